// svg.js - the QR code of the MFA set-up, which the API sends as SVG markup.
//
// An <img src="data:…"> is refused by the page's Content-Security-Policy,
// so the markup is parsed as image/svg+xml (never as HTML), checked, pruned
// to the few elements and attributes a QR code needs, and adopted into the
// page. Never: lets a script, an event handler, a style, a link or any
// foreign element through, even from our own server.

const SVG_NS = 'http://www.w3.org/2000/svg';
const ELEMENTS = new Set(['svg', 'g', 'rect', 'path', 'title', 'desc']);
const ATTRIBUTES = new Set(['width', 'height', 'viewBox', 'shape-rendering', 'fill', 'd', 'x', 'y',
	'transform', 'xmlns']);

// prune(el) - remove, beneath and on el, everything not allowed.
function prune(el) {
	for (const a of [...el.attributes]) {
		// no name outside the list; no value that could reach out (url(), a scheme)
		if (!ATTRIBUTES.has(a.name) || (a.name !== 'xmlns' && /url\(|:/i.test(a.value))) {
			el.removeAttribute(a.name);
		}
	}
	for (const c of [...el.children]) {
		if (c.namespaceURI !== SVG_NS || !ELEMENTS.has(c.localName) || c.localName === 'svg') c.remove();
		else prune(c);
	}
}

// safeSvg(markup, label) - an <svg> element for the page, with role img and
// an accessible name; null if the markup is not a well-formed SVG document.
export function safeSvg(markup, label) {
	if (typeof markup !== 'string' || markup.length > 256 * 1024) return null;
	const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
	const root = doc.documentElement;
	if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg') return null;
	if (doc.getElementsByTagNameNS('*', 'parsererror').length > 0) return null;
	prune(root);
	const svg = document.adoptNode(root);
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', label);
	svg.setAttribute('focusable', 'false');
	return svg;
}
