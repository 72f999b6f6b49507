"""类案 clusters: recurring reports of one problem at one place, and 未诉先办 tickets from them."""
