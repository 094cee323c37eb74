"""The knowledge base: the YAML admins edit (kb/, stations.yaml, requests.yaml), its schema and loader."""
