"""Eligibility guides as a conversation: questions with numbered answers, then an outcome that
offers its next step (`policies/guides.yaml`)."""
