# The package's browser side, ui/ -> build/ui/: the chart module (ui/charts.ts over uPlot) that the
# simulator's report and the server's pages share, and the report page's own module, compiled with
# the DOM types (ui/tsconfig.json). uPlot ships in the package as build/ui/vendor/: its minified
# build as an ES module (uPlot.js: its IIFE build, which defines `var uPlot`, plus the export),
# its CSS and its licence. The page tests run Debian's headless Chromium (tests/browser.ts).
UI_SOURCES := $(wildcard ui/*.ts ui/*.css) ui/tsconfig.json
UPLOT := node_modules/uplot

.PHONY: ui
build: ui
ui: build/ui/.done
build/ui/.done: $(UI_SOURCES) package-lock.json | deps
	$(BIN)/tsc -p ui/tsconfig.json
	cp ui/*.css build/ui/
	@mkdir -p build/ui/vendor
	{ cat $(UPLOT)/dist/uPlot.iife.min.js; printf '\nexport default uPlot;\n'; } > build/ui/vendor/uPlot.js
	cp $(UPLOT)/dist/uPlot.min.css build/ui/vendor/uPlot.min.css
	cp $(UPLOT)/LICENSE build/ui/vendor/uPlot.LICENSE
	@touch $@

# uPlot against Chart.js (fetched from the registry for the run): bytes and time to draw 20 series x
# 10,000 points in headless Chromium; build/bench-charts.json, docs/charts.md. Not a test.
.PHONY: bench-charts
bench-charts: build
	node build/js/tests/bench/charts-bench.js
