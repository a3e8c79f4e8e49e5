"""Write src/warchest/web/static/vega.js: Vega, Vega-Lite and vega-embed in one file, from
the vl-convert-python package (no network)."""

from pathlib import Path

import vl_convert

out = Path(__file__).resolve().parents[1] / "src/warchest/web/static/vega.js"
out.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
print(f"{out}: Vega {vl_convert.get_vega_version()}, Vega-Lite "
      f"{vl_convert.get_vegalite_versions()[-1]}, vega-embed {vl_convert.get_vega_embed_version()}")
