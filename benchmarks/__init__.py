"""Speed, scale and load measurements. They print figures; tests never time anything."""
