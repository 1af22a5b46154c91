#!/usr/bin/env python3
"""vitrine's CDK app: `cdk synth -c env=dev|prod -c region=...`."""

import os

from stacks.vitrine import build, new_app

app = new_app()
build(app, account=os.environ.get("CDK_DEFAULT_ACCOUNT"))
app.synth()
