<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ms_MY" sourcelanguage="en_GB">
  <context>
    <name>HeritagePlanner</name>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>All rules</source>
      <translation>Semua peraturan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>All severities</source>
      <translation>Semua tahap keterukan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancel</source>
      <translation>Batal</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancelled; nothing was written.</source>
      <translation>Dibatalkan; tiada apa-apa ditulis.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Cancelling…</source>
      <translation>Membatalkan…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Check</source>
      <translation>Semak</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Choose a heritage layer (polygons).</source>
      <translation>Pilih lapisan warisan (poligon).</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Choose an output folder.</source>
      <translation>Pilih folder output.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Conflicts</source>
      <translation>Konflik</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Conflicts ({kind})</source>
      <translation>Konflik ({kind})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Copy install commands</source>
      <translation>Salin arahan pemasangan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Distance (m)</source>
      <translation>Jarak (m)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Export PDF</source>
      <translation>Eksport PDF</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Export PDF…</source>
      <translation>Eksport PDF…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Exposure by worst class</source>
      <translation>Pendedahan mengikut kelas terburuk</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Exposure: {tag}</source>
      <translation>Pendedahan: {tag}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Feature pages</source>
      <translation>Halaman ciri</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Folder for the results GeoPackage</source>
      <translation>Folder untuk GeoPackage keputusan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>From a source checkout, `make install` installs the plugin with its dependencies.</source>
      <translation>Daripada salinan kod sumber, `make install` memasang pemalam bersama kebergantungannya.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Hazard</source>
      <translation>Bahaya</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Hazard raster {name}: choose which hazard of the rules it shows.</source>
      <translation>Raster bahaya {name}: pilih bahaya dalam peraturan yang ditunjukkannya.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Hazard rasters</source>
      <translation>Raster bahaya</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Help</source>
      <translation>Bantuan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Heritage</source>
      <translation>Warisan</translation>
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
      <translation>Heritage Planner memerlukan pakej Python yang tidak dapat diimport oleh QGIS:</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>Heritage Planner: PDF report</source>
      <translation>Heritage Planner: laporan PDF</translation>
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
      <translation>Lapisan warisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Images (*.png *.jpg *.jpeg *.svg)</source>
      <translation>Imej (*.png *.jpg *.jpeg *.svg)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Inputs</source>
      <translation>Input</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Install the missing Python packages first</source>
      <translation>Pasang dahulu pakej Python yang tiada</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>Install them into the Python QGIS uses, then restart QGIS:</source>
      <translation>Pasangkannya ke dalam Python yang digunakan QGIS, kemudian mulakan semula QGIS:</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Landscape</source>
      <translation>Landskap</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Logo</source>
      <translation>Logo</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Message</source>
      <translation>Mesej</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Missing dependencies</source>
      <translation>Kebergantungan tiada</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Name of the run: the GeoPackage and the layer group</source>
      <translation>Nama larian: GeoPackage dan kumpulan lapisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>No results yet.</source>
      <translation>Belum ada keputusan.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Note</source>
      <translation>Catatan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Note: {note}</source>
      <translation>Catatan: {note}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>On Windows run the command in the OSGeo4W Shell.</source>
      <translation>Di Windows, jalankan arahan dalam OSGeo4W Shell.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Optional scenario, e.g. 2050-ssp585</source>
      <translation>Senario pilihan, cth. 2050-ssp585</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Organisation</source>
      <translation>Organisasi</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Orientation</source>
      <translation>Orientasi</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Output folder</source>
      <translation>Folder output</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Output folder {folder} does not exist.</source>
      <translation>Folder output {folder} tidak wujud.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>PDF (*.pdf)</source>
      <translation>PDF (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>PDF report</source>
      <translation>Laporan PDF</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>PDF report written: {path}</source>
      <translation>Laporan PDF ditulis: {path}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Page size</source>
      <translation>Saiz halaman</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Planned infrastructure sites: points, lines or polygons</source>
      <translation>Tapak infrastruktur yang dirancang: titik, garisan atau poligon</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Portrait</source>
      <translation>Potret</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Processing algorithms not available: {error}</source>
      <translation>Algoritma Processing tidak tersedia: {error}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Protected heritage buildings or areas (polygons)</source>
      <translation>Bangunan atau kawasan warisan yang dilindungi (poligon)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>QGIS layout templates (*.qpt)</source>
      <translation>Templat susun atur QGIS (*.qpt)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Raster</source>
      <translation>Raster</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Ready.</source>
      <translation>Sedia.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Review conflicts</source>
      <translation>Semak konflik</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Review saved for {n} conflict(s).</source>
      <translation>Semakan disimpan untuk {n} konflik.</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Reviewer</source>
      <translation>Penyemak</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Reviewer: {name}</source>
      <translation>Penyemak: {name}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Review…</source>
      <translation>Semak…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Rule</source>
      <translation>Peraturan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Rules</source>
      <translation>Peraturan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Rules (*.toml)</source>
      <translation>Peraturan (*.toml)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run</source>
      <translation>Jalankan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run name</source>
      <translation>Nama larian</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Run {name} started: output {path}</source>
      <translation>Larian {name} bermula: output {path}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Running…</source>
      <translation>Sedang berjalan…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Scenario</source>
      <translation>Senario</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Search…</source>
      <translation>Cari…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Set status, note and reviewer of the selected conflicts</source>
      <translation>Tetapkan status, catatan dan penyemak bagi konflik yang dipilih</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Severity</source>
      <translation>Keterukan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/plugin.py" />
      <source>Show or hide the Heritage Planner panel</source>
      <translation>Tunjuk atau sembunyikan panel Heritage Planner</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Site</source>
      <translation>Tapak</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Site hazard by class</source>
      <translation>Bahaya tapak mengikut kelas</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>Site hazard: {tag} ({kind})</source>
      <translation>Bahaya tapak: {tag} ({kind})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Sites layers</source>
      <translation>Lapisan tapak</translation>
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
      <translation>Templat</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Tick the hazard rasters to use and map each to a hazard of the rules</source>
      <translation>Tandakan raster bahaya yang hendak digunakan dan padankan setiap satu dengan bahaya dalam peraturan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Validate the rules file and show any errors</source>
      <translation>Sahkan fail peraturan dan tunjukkan sebarang ralat</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>Value</source>
      <translation>Nilai</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>Why? What was decided, by whom, any reference…</source>
      <translation>Mengapa? Apa yang diputuskan, oleh siapa, sebarang rujukan…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Write a PDF report of these results</source>
      <translation>Tulis laporan PDF bagi keputusan ini</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Writing PDF report…</source>
      <translation>Menulis laporan PDF…</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>Zones on the maps</source>
      <translation>Zon pada peta</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>Zoom to</source>
      <translation>Zum ke</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>accepted</source>
      <translation>diterima</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>areas</source>
      <translation>kawasan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>built-in rules</source>
      <translation>peraturan terbina dalam</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>built-in template</source>
      <translation>templat terbina dalam</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>checking hazard rules</source>
      <translation>menyemak peraturan bahaya</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>checking siting rules</source>
      <translation>menyemak peraturan penempatan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>critical</source>
      <translation>kritikal</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>critical only</source>
      <translation>kritikal sahaja</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>done</source>
      <translation>selesai</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>e.g. George Town World Heritage Incorporated</source>
      <translation>cth. George Town World Heritage Incorporated</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>every affected feature</source>
      <translation>setiap ciri yang terjejas</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>exposure to {hazard}</source>
      <translation>pendedahan kepada {hazard}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>false positive</source>
      <translation>positif palsu</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: cannot read it to a file</source>
      <translation>raster bahaya {name}: tidak dapat dibaca ke dalam fail</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: has no fixed resolution (a web service?); save it as a GeoTIFF first (Export &gt; Save As…)</source>
      <translation>raster bahaya {name}: tiada resolusi tetap (perkhidmatan web?); simpan sebagai GeoTIFF dahulu (Export &gt; Save As…)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster {name}: writing a temporary GeoTIFF failed (error {code})</source>
      <translation>raster bahaya {name}: gagal menulis GeoTIFF sementara (ralat {code})</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>hazard raster: the layer is not valid</source>
      <translation>raster bahaya: lapisan tidak sah</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>heritage layer</source>
      <translation>lapisan warisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>high</source>
      <translation>tinggi</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>high or worse</source>
      <translation>tinggi atau lebih teruk</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>lines</source>
      <translation>garisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>low</source>
      <translation>rendah</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>medium</source>
      <translation>sederhana</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>medium or worse</source>
      <translation>sederhana atau lebih teruk</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>mitigated</source>
      <translation>dimitigasi</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/report_dialog.py" />
      <source>one page per conflict</source>
      <translation>satu halaman bagi setiap konflik</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>open</source>
      <translation>terbuka</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/styling.py" />
      <source>points</source>
      <translation>titik</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>reading inputs</source>
      <translation>membaca input</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>reading layers</source>
      <translation>membaca lapisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/results.py" />
      <source>resolved</source>
      <translation>selesai</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>site hazard {layer} × {hazard}</source>
      <translation>bahaya tapak {layer} × {hazard}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>sites layer</source>
      <translation>lapisan tapak</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>the PDF report failed; see the log</source>
      <translation>laporan PDF gagal; lihat log</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>the run failed; see the log</source>
      <translation>larian gagal; lihat log</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>unexpected error: {exc}</source>
      <translation>ralat tidak dijangka: {exc}</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/task.py" />
      <source>writing results</source>
      <translation>menulis keputusan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{done}/{n} reviewed</source>
      <translation>{done}/{n} disemak</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>{need}: not installed</source>
      <translation>{need}: tidak dipasang</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/deps.py" />
      <source>{need}: version {found} is too old</source>
      <translation>{need}: versi {found} terlalu lama</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} conflicts ({new} new, {resolved} resolved) in {s:.1f} s</source>
      <translation>{n} konflik ({new} baharu, {resolved} selesai) dalam {s:.1f} s</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/review_dialog.py" />
      <source>{n} conflicts selected</source>
      <translation>{n} konflik dipilih</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} resolved</source>
      <translation>{n} selesai</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>{n} warnings; see the log (Heritage Planner tab)</source>
      <translation>{n} amaran; lihat log (tab Heritage Planner)</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>{what} {name}: layer has no CRS; set one in the layer properties</source>
      <translation>{what} {name}: lapisan tiada CRS; tetapkan dalam sifat lapisan</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/adapters.py" />
      <source>{what}: the layer is not valid</source>
      <translation>{what}: lapisan tidak sah</translation>
    </message>
    <message>
      <location filename="../../heritage_planner/gui/dock.py" />
      <source>✓ {name} (version {version}): {n} rules, {h} hazards</source>
      <translation>✓ {name} (versi {version}): {n} peraturan, {h} bahaya</translation>
    </message>
  </context>
</TS>
