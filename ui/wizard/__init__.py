"""The wizard for one draft: the document step, one step per section of the kind, and the review."""
