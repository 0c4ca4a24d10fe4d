"""Draft events from a pasted wire story, a media note or a press release."""
