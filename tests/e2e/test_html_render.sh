#!/bin/bash
# test_html_render.sh - the HTML report as a browser shows it (issue 8).
#
#   test_html_render.sh all     RDPTRIAGE XSD SAMPLES_DIR OUT_DIR
#   test_html_render.sh hostile RDPTRIAGE XSD SAMPLES_DIR OUT_DIR
#
# all:     rdptriage on every samples/*.pcap into one HTML page, rendered by headless Chromium
#          (--dump-dom: the DOM after parsing and any script); every connection of the XML
#          report must show its phase and cause in its row of the connection table and in its
#          own section. A screenshot and a PDF of the page go to OUT_DIR for people to look at.
# hostile: samples/hostile-strings.pcap, whose cookie, client name and certificate subject carry
#          <script>, <img onerror>, quotes and control characters. Nothing may run: Chromium
#          must finish (an alert() would block it), log no console message, keep the page title,
#          and the DOM must hold no <script>, <img>, <iframe>, <object>, <embed>, no on*
#          attribute and no javascript: URL, while the payloads appear as text where the report
#          puts them. The XML must validate and hold them escaped, with no control character,
#          and the terminal summary must hold no control character either.
#          A positive control (a page that does run script) proves the checks can fail.
#
# Exit 77 (skipped) when /usr/bin/chromium or xmllint is missing.
set -u

mode=${1:?mode}
RDPT=${2:?rdptriage}
XSD=${3:?xsd}
SAMPLES=${4:?samples dir}
OUT=${5:?out dir}
CHROMIUM=${RDPT_CHROMIUM:-/usr/bin/chromium}

[ -x "$CHROMIUM" ] || { echo "skip: $CHROMIUM not installed"; exit 77; }
command -v xmllint >/dev/null || { echo "skip: xmllint not installed"; exit 77; }

mkdir -p "$OUT" || exit 1
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# chrome OUTFILE ARGS...: headless Chromium with a fresh profile, nothing fetched from the
# network, stderr kept in OUTFILE.err. A page that calls alert() blocks headless Chromium, so a
# time limit turns "a script ran" into a failure instead of a hang.
chrome() {
	local out=$1
	shift
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$(mktemp -d "$TMP/profile.XXXXXX")" \
		"$@" >"$out" 2>"$out.err"
}

# xp FILE EXPR: an XPath expression over an HTML file (Chromium's DOM dump).
xp() { xmllint --html --xpath "$2" "$1" 2>/dev/null; }
# xq FILE EXPR: the same over an XML file.
xq() { xmllint --xpath "$2" "$1" 2>/dev/null; }
# batch FILE [--html]: one XPath expression per line of stdin (string or number results), one
# answer per line of stdout, from a single xmllint process.
batch() {
	sed 's/^/xpath /' | xmllint ${2:-} --shell "$1" 2>/dev/null |
		sed -n 's/^.*Object is a [a-zA-Z]* : \{0,1\}//p'
}

# ------------------------------------------------------------------ every sample
run_all() {
	local args=() f
	for f in "$SAMPLES"/*.pcap "$SAMPLES"/*.pcapng; do
		[ -e "$f" ] && args+=(-r "$f")
	done
	[ ${#args[@]} -gt 0 ] || { echo "no samples in $SAMPLES"; exit 1; }
	local html=$OUT/render-all.html xml=$TMP/all.xml rc
	"$RDPT" -q "${args[@]}" --html "$html" --xml "$xml"
	rc=$?
	[ $rc -le 1 ] || { fail "rdptriage exit status $rc"; return; }

	local dom=$TMP/all.dom.html
	chrome "$dom" --dump-dom "$html" || { fail "chromium --dump-dom failed ($?)"; return; }
	[ "$(xp "$dom" 'count(//table[@id="connection-table"])')" = 1 ] ||
		{ fail "no connection table in the rendered page"; return; }

	local n i
	n=$(xq "$xml" 'count(/rdptriage/connection)')
	[ "${n:-0}" -gt 0 ] || { fail "no connection in the XML report"; return; }
	[ "$(xp "$dom" 'count(//table[@id="connection-table"]/tbody/tr)')" = "$n" ] ||
		fail "the table has $(xp "$dom" 'count(//table[@id="connection-table"]/tbody/tr)') rows, the XML $n connections"
	# Each connection's id, phase and cause from the XML, then what the rendered page shows for
	# it: its table row's phase and cause, and in its own section the cause code and the phase
	# name ("Failed in: ... (tls)"). One xmllint process per document answers all the questions.
	local -a ids phases causes shown
	mapfile -t ids < <(for ((i = 1; i <= n; i++)); do echo "string(/rdptriage/connection[$i]/@id)"; done | batch "$xml")
	mapfile -t phases < <(for ((i = 1; i <= n; i++)); do echo "string(/rdptriage/connection[$i]/verdict/@phase)"; done | batch "$xml")
	mapfile -t causes < <(for ((i = 1; i <= n; i++)); do echo "string(/rdptriage/connection[$i]/verdict/@cause)"; done | batch "$xml")
	mapfile -t shown < <(for ((i = 0; i < n; i++)); do
		local id=${ids[$i]} sec="//section[@id='conn-${ids[$i]}']"
		echo "string(//tr[@data-id='$id']/td[contains(@class,'phase')])"
		echo "string(//tr[@data-id='$id']/td[contains(@class,'cause')])"
		echo "count($sec//code[normalize-space(.)='${causes[$i]}'])"
		echo "count($sec//td[contains(., '(${phases[$i]})')])"
	done | batch "$dom" --html)
	[ ${#shown[@]} -eq $((4 * n)) ] || { fail "xmllint answered ${#shown[@]} of $((4 * n)) questions"; return; }
	for ((i = 0; i < n; i++)); do
		local id=${ids[$i]} phase=${phases[$i]} cause=${causes[$i]} k=$((4 * i))
		[ "${shown[$k]}" = "$phase" ] || fail "connection $id: table shows phase '${shown[$k]}', verdict is '$phase'"
		[ "${shown[$((k + 1))]}" = "$cause" ] || fail "connection $id: table shows cause '${shown[$((k + 1))]}', verdict is '$cause'"
		[ "${shown[$((k + 2))]}" != 0 ] || fail "connection $id: its section does not show cause $cause"
		[ "$phase" = none ] || [ "${shown[$((k + 3))]}" != 0 ] ||
			fail "connection $id: its section does not show phase $phase"
	done
	[ $failures -eq 0 ] && ok "$n connections: phase and cause shown in the rendered table and sections"

	# For people: the top of the page (summary and table) and the whole page as PDF.
	chrome "$TMP/shot.out" --window-size=1200,2400 --screenshot="$OUT/render-all.png" "$html" ||
		fail "chromium --screenshot failed"
	[ -s "$OUT/render-all.png" ] || fail "no screenshot written"
	chrome "$TMP/pdf.out" --no-pdf-header-footer --print-to-pdf="$OUT/render-all.pdf" "$html" ||
		fail "chromium --print-to-pdf failed"
	[ "$(head -c 5 "$OUT/render-all.pdf" 2>/dev/null)" = "%PDF-" ] || fail "no PDF written"
	echo "for people to look at: $OUT/render-all.png $OUT/render-all.pdf"
}

# ------------------------------------------------------------------ the hostile capture
# inert DOM TITLE WHAT: the checks that no script ran and no active element came to be.
inert() {
	local dom=$1 title=$2 what=$3 n
	n=$(xp "$dom" 'count(//script | //img | //iframe | //object | //embed | //frame | //link | //base | //meta[@http-equiv="refresh" or @http-equiv="Refresh"])')
	[ "$n" = 0 ] || fail "$what: $n active elements (script, img, iframe, ...) in the DOM"
	n=$(xp "$dom" 'count(//@*[starts-with(translate(name(), "ON", "on"), "on")])')
	[ "$n" = 0 ] || fail "$what: $n event-handler attributes (on*) in the DOM"
	n=$(xp "$dom" 'count(//@*[contains(translate(., "JAVSCRIPT", "javscript"), "javascript:")])')
	[ "$n" = 0 ] || fail "$what: $n javascript: URLs in the DOM"
	[ "$(xp "$dom" 'string(/html/head/title)')" = "$title" ] ||
		fail "$what: page title changed to '$(xp "$dom" 'string(/html/head/title)')'"
	grep -q 'CONSOLE' "$dom.err" && fail "$what: the page wrote to the console: $(grep CONSOLE "$dom.err" | head -n 3)"
}

run_hostile() {
	local pcap=$SAMPLES/hostile-strings.pcap
	[ -e "$pcap" ] || { fail "$pcap missing"; return; }

	# Positive control: a page whose script runs must fail these checks.
	local bad=$TMP/control.html
	printf '%s\n' '<!DOCTYPE html><html><head><title>control</title></head><body>' \
		'<img src=x onerror="document.title=1;console.log(1)"></body></html>' >"$bad"
	local before=$failures
	chrome "$TMP/control.dom" --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
		--dump-dom "$bad" || fail "chromium on the control page failed ($?)"
	inert "$TMP/control.dom" control "control" >/dev/null
	if [ $failures -gt $((before + 2)) ]; then
		failures=$before
		ok "the checks catch a page that runs script (control)"
	else
		failures=$before
		fail "the checks do not catch a page that runs script (control)"
	fi

	local html=$OUT/render-hostile.html xml=$TMP/hostile.xml rc
	"$RDPT" -q -r "$pcap" --html "$html" --xml "$xml"
	rc=$?
	[ $rc -le 1 ] || { fail "rdptriage exit status $rc"; return; }

	# The XML: valid, payloads escaped, no control characters.
	xmllint --noout --schema "$XSD" "$xml" 2>"$TMP/xsd.err" || fail "XML does not validate: $(head -n 3 "$TMP/xsd.err")"
	grep -q '&lt;img src=x onerror=alert(1)&gt;' "$xml" || fail "XML lacks the escaped cookie"
	grep -q '&lt;script&gt;alert(1' "$xml" || fail "XML lacks the escaped client name"
	grep -qi '<img\|<script' "$xml" && fail "XML holds raw markup from the capture"
	LC_ALL=C tr -d '\t\n\r' <"$xml" | LC_ALL=C grep -q '[[:cntrl:]]' && fail "XML holds control characters"
	[ "$(xq "$xml" 'count(//cookie[. = "<img src=x onerror=alert(1)>"])')" = 1 ] ||
		fail "XML: the cookie does not read back as <img src=x onerror=alert(1)>"
	[ "$(xq "$xml" 'count(//cookie[contains(., "\x1B[2J\x01")])')" = 1 ] ||
		fail "XML: the second cookie's control characters are not written as \\xNN"
	# The terminal summary: no control character from the capture (no escape sequence).
	"$RDPT" --color never -r "$pcap" >"$TMP/summary.txt" 2>&1
	LC_ALL=C tr -d '\n' <"$TMP/summary.txt" | LC_ALL=C grep -q '[[:cntrl:]]' &&
		fail "the terminal summary holds control characters"
	# The raw HTML: no markup from the capture, no control characters.
	grep -qi '<img\|<script\|<iframe' "$html" && fail "HTML file holds raw markup from the capture"
	LC_ALL=C tr -d '\t\n\r' <"$html" | LC_ALL=C grep -q '[[:cntrl:]]' && fail "HTML holds control characters"

	# The rendered page.
	local dom=$TMP/hostile.dom.html
	chrome "$dom" --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "$html"
	rc=$?
	[ $rc -eq 124 ] && { fail "chromium did not finish: a script (alert) may have run"; return; }
	[ $rc -eq 0 ] || { fail "chromium --dump-dom failed ($rc)"; return; }
	inert "$dom" "RDP triage: $pcap" "hostile page"
	[ "$(xp "$dom" 'count(//code[contains(@class,"cookie")][. = "<img src=x onerror=alert(1)>"])')" != 0 ] ||
		fail "the cookie is not shown as text in its cell"
	[ "$(xp "$dom" 'count(//code[contains(@class,"cookie")][contains(., "\x1B[2J\x01x")])')" != 0 ] ||
		fail "the second cookie is not shown as text (control characters as \\xNN)"
	# The client name (MCS GCC Client Core Data, connection 1) and the certificate subject
	# (connection 2) as the XML reports them: the page must show them too, as text.
	local s nx nh
	for s in '<script>alert(1' 'bold' '31mred'; do
		nx=$(xq "$xml" "count(//text()[contains(., '$s')] | //@*[contains(., '$s')])")
		nh=$(xp "$dom" "count(//body//text()[contains(., '$s')] | //body//@*[contains(., '$s')])")
		[ "${nx:-0}" != 0 ] || fail "the XML does not report '$s' (client name or certificate subject)"
		[ "${nh:-0}" != 0 ] || fail "the page does not show '$s' as text"
		echo "note: '$s' appears in $nx XML node(s), $nh page text node(s)"
	done
	chrome "$TMP/shot.out" --window-size=1200,2400 --screenshot="$OUT/render-hostile.png" "$html" ||
		fail "chromium --screenshot failed"
	[ $failures -eq 0 ] && ok "hostile capture: nothing ran, payloads shown as text, XML valid and escaped"
	echo "for people to look at: $OUT/render-hostile.png"
}

case $mode in
all) run_all ;;
hostile) run_hostile ;;
*) echo "unknown mode $mode"; exit 2 ;;
esac
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
exit 0
