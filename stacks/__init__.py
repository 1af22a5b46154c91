"""vitrine's CDK stacks, cut by lifecycle, and the constructs they are made of."""
