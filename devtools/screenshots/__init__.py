"""Each screen rendered to PNG offscreen over a demo town, one module per screen family;
scripts/screenshots.py runs them all into docs/screenshots/. Most run alone too:
`python -m devtools.screenshots.admin OUT_DIR`."""
