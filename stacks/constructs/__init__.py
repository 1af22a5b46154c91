"""One construct per concern; stacks compose and wire them."""
