"""Request forms: what each field type accepts, and how answers are shown back."""
