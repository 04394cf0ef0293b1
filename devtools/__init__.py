"""Development tooling, outside the product: the screenshots of docs/screenshots and the sample
data that PDFs are rendered from (scripts/, tests/, benchmarks/). The desk never imports it and
the wheel and the bundle do not carry it."""
