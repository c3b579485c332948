<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en_GB">
  <context>
    <name>HeritagePlanner</name>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>All rules</source>
      <translation>All rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>All severities</source>
      <translation>All severities</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancelled; nothing was written.</source>
      <translation>Cancelled; nothing was written.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancelling…</source>
      <translation>Cancelling…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Check</source>
      <translation>Check</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Choose a heritage layer (polygons).</source>
      <translation>Choose a heritage layer (polygons).</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Choose an output folder.</source>
      <translation>Choose an output folder.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Conflicts</source>
      <translation>Conflicts</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Conflicts ({kind})</source>
      <translation>Conflicts ({kind})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Copy install commands</source>
      <translation>Copy install commands</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Distance (m)</source>
      <translation>Distance (m)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Export PDF</source>
      <translation>Export PDF</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Export PDF…</source>
      <translation>Export PDF…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Exposure by worst class</source>
      <translation>Exposure by worst class</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Exposure: {tag}</source>
      <translation>Exposure: {tag}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Feature pages</source>
      <translation>Feature pages</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Folder for the results GeoPackage</source>
      <translation>Folder for the results GeoPackage</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>From a source checkout, `make install` installs the plugin with its dependencies.</source>
      <translation>From a source checkout, `make install` installs the plugin with its dependencies.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Hazard</source>
      <translation>Hazard</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Hazard raster {name}: choose which hazard of the rules it shows.</source>
      <translation>Hazard raster {name}: choose which hazard of the rules it shows.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Hazard rasters</source>
      <translation>Hazard rasters</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Help</source>
      <translation>Help</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Heritage</source>
      <translation>Heritage</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <location filename="../../heritage_planner/plugin.py" />
      <source>Heritage Planner</source>
      <translation>Heritage Planner</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>Heritage Planner needs Python packages that QGIS cannot import:</source>
      <translation>Heritage Planner needs Python packages that QGIS cannot import:</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>Heritage Planner: PDF report</source>
      <translation>Heritage Planner: PDF report</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <location filename="../../heritage_planner/gui/task.py" />
      <source>Heritage Planner: {name}</source>
      <translation>Heritage Planner: {name}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Heritage layer</source>
      <translation>Heritage layer</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Images (*.png *.jpg *.jpeg *.svg)</source>
      <translation>Images (*.png *.jpg *.jpeg *.svg)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Inputs</source>
      <translation>Inputs</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Install the missing Python packages first</source>
      <translation>Install the missing Python packages first</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>Install them into the Python QGIS uses, then restart QGIS:</source>
      <translation>Install them into the Python QGIS uses, then restart QGIS:</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Landscape</source>
      <translation>Landscape</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Logo</source>
      <translation>Logo</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Message</source>
      <translation>Message</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Missing dependencies</source>
      <translation>Missing dependencies</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Name of the run: the GeoPackage and the layer group</source>
      <translation>Name of the run: the GeoPackage and the layer group</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>No results yet.</source>
      <translation>No results yet.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Note</source>
      <translation>Note</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Note: {note}</source>
      <translation>Note: {note}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>On Windows run the command in the OSGeo4W Shell.</source>
      <translation>On Windows run the command in the OSGeo4W Shell.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Optional scenario, e.g. 2050-ssp585</source>
      <translation>Optional scenario, e.g. 2050-ssp585</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Organisation</source>
      <translation>Organisation</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Orientation</source>
      <translation>Orientation</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Output folder</source>
      <translation>Output folder</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Output folder {folder} does not exist.</source>
      <translation>Output folder {folder} does not exist.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>PDF (*.pdf)</source>
      <translation>PDF (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>PDF report</source>
      <translation>PDF report</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>PDF report written: {path}</source>
      <translation>PDF report written: {path}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Page size</source>
      <translation>Page size</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Planned infrastructure sites: points, lines or polygons</source>
      <translation>Planned infrastructure sites: points, lines or polygons</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Portrait</source>
      <translation>Portrait</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Processing algorithms not available: {error}</source>
      <translation>Processing algorithms not available: {error}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Protected heritage buildings or areas (polygons)</source>
      <translation>Protected heritage buildings or areas (polygons)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>QGIS layout templates (*.qpt)</source>
      <translation>QGIS layout templates (*.qpt)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Raster</source>
      <translation>Raster</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Ready.</source>
      <translation>Ready.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Review conflicts</source>
      <translation>Review conflicts</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Review saved for {n} conflict(s).</source>
      <translation>Review saved for {n} conflict(s).</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Reviewer</source>
      <translation>Reviewer</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Reviewer: {name}</source>
      <translation>Reviewer: {name}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Review…</source>
      <translation>Review…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Rule</source>
      <translation>Rule</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Rules</source>
      <translation>Rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Rules (*.toml)</source>
      <translation>Rules (*.toml)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run</source>
      <translation>Run</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run name</source>
      <translation>Run name</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run {name} started: output {path}</source>
      <translation>Run {name} started: output {path}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Running…</source>
      <translation>Running…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Scenario</source>
      <translation>Scenario</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Search…</source>
      <translation>Search…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Set status, note and reviewer of the selected conflicts</source>
      <translation>Set status, note and reviewer of the selected conflicts</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Severity</source>
      <translation>Severity</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Show or hide the Heritage Planner panel</source>
      <translation>Show or hide the Heritage Planner panel</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Site</source>
      <translation>Site</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Site hazard by class</source>
      <translation>Site hazard by class</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Site hazard: {tag} ({kind})</source>
      <translation>Site hazard: {tag} ({kind})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Sites layers</source>
      <translation>Sites layers</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Template</source>
      <translation>Template</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Tick the hazard rasters to use and map each to a hazard of the rules</source>
      <translation>Tick the hazard rasters to use and map each to a hazard of the rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Validate the rules file and show any errors</source>
      <translation>Validate the rules file and show any errors</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Value</source>
      <translation>Value</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Why? What was decided, by whom, any reference…</source>
      <translation>Why? What was decided, by whom, any reference…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Write a PDF report of these results</source>
      <translation>Write a PDF report of these results</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Writing PDF report…</source>
      <translation>Writing PDF report…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Zones on the maps</source>
      <translation>Zones on the maps</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Zoom to</source>
      <translation>Zoom to</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>accepted</source>
      <translation>accepted</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>areas</source>
      <translation>areas</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>built-in rules</source>
      <translation>built-in rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>built-in template</source>
      <translation>built-in template</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>checking hazard rules</source>
      <translation>checking hazard rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>checking siting rules</source>
      <translation>checking siting rules</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>critical</source>
      <translation>critical</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>critical only</source>
      <translation>critical only</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>done</source>
      <translation>done</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>e.g. George Town World Heritage Incorporated</source>
      <translation>e.g. George Town World Heritage Incorporated</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>every affected feature</source>
      <translation>every affected feature</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>exposure to {hazard}</source>
      <translation>exposure to {hazard}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>false positive</source>
      <translation>false positive</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: cannot read it to a file</source>
      <translation>hazard raster {name}: cannot read it to a file</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: has no fixed resolution (a web service?); save it as a GeoTIFF first (Export &gt; Save As…)</source>
      <translation>hazard raster {name}: has no fixed resolution (a web service?); save it as a GeoTIFF first (Export &gt; Save As…)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: writing a temporary GeoTIFF failed (error {code})</source>
      <translation>hazard raster {name}: writing a temporary GeoTIFF failed (error {code})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster: the layer is not valid</source>
      <translation>hazard raster: the layer is not valid</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>heritage layer</source>
      <translation>heritage layer</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>high</source>
      <translation>high</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>high or worse</source>
      <translation>high or worse</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>lines</source>
      <translation>lines</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>low</source>
      <translation>low</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>medium</source>
      <translation>medium</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>medium or worse</source>
      <translation>medium or worse</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>mitigated</source>
      <translation>mitigated</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>one page per conflict</source>
      <translation>one page per conflict</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>open</source>
      <translation>open</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>points</source>
      <translation>points</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>reading inputs</source>
      <translation>reading inputs</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>reading layers</source>
      <translation>reading layers</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>resolved</source>
      <translation>resolved</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>site hazard {layer} × {hazard}</source>
      <translation>site hazard {layer} × {hazard}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>sites layer</source>
      <translation>sites layer</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>the PDF report failed; see the log</source>
      <translation>the PDF report failed; see the log</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>the run failed; see the log</source>
      <translation>the run failed; see the log</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>unexpected error: {exc}</source>
      <translation>unexpected error: {exc}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>writing results</source>
      <translation>writing results</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{done}/{n} reviewed</source>
      <translation>{done}/{n} reviewed</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>{need}: not installed</source>
      <translation>{need}: not installed</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>{need}: version {found} is too old</source>
      <translation>{need}: version {found} is too old</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} conflicts ({new} new, {resolved} resolved) in {s:.1f} s</source>
      <translation>{n} conflicts ({new} new, {resolved} resolved) in {s:.1f} s</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>{n} conflicts selected</source>
      <translation>{n} conflicts selected</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} resolved</source>
      <translation>{n} resolved</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} warnings; see the log (Heritage Planner tab)</source>
      <translation>{n} warnings; see the log (Heritage Planner tab)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>{what} {name}: layer has no CRS; set one in the layer properties</source>
      <translation>{what} {name}: layer has no CRS; set one in the layer properties</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>{what}: the layer is not valid</source>
      <translation>{what}: the layer is not valid</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>✓ {name} (version {version}): {n} rules, {h} hazards</source>
      <translation>✓ {name} (version {version}): {n} rules, {h} hazards</translation>
    </message>
  </context>
</TS>
