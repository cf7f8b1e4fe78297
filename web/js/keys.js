// keys.js - keyboard shortcuts for the commonest actions, and the dialog
// that lists them (?). A shortcut is a single key without Ctrl, Alt or
// Meta, ignored while the focus is in a field or a dialog is open, so
// typing a note never triggers one.
//
// Never: reads or sends what is typed in a field.

// typing(el) - is the focus somewhere a key is text?
function typing(el) {
	if (!el) return false;
	if (el.isContentEditable) return true;
	const tag = el.tagName;
	if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
	if (tag !== 'INPUT') return false;
	return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(el.type);
}

// shortcuts(app, {isSignedIn, dialog, opener, closer}) - listen on the page.
export function shortcuts(app, { isSignedIn, dialog, opener, closer }) {
	const show = () => {
		if (!dialog.open) dialog.showModal();
		closer.focus();
	};
	opener.addEventListener('click', show);
	closer.addEventListener('click', () => dialog.close());
	document.addEventListener('keydown', (ev) => {
		if (ev.defaultPrevented || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
		if (!isSignedIn() || typing(ev.target) || document.querySelector('dialog[open]')) return;
		const go = (hash) => { ev.preventDefault(); app.go(hash); };
		switch (ev.key) {
		case '?': ev.preventDefault(); show(); break;
		case '/': {
			ev.preventDefault();
			const q = document.getElementById('client-search');
			if (q) q.focus();
			else {
				app.afterList = () => document.getElementById('client-search')?.focus();
				app.go('#/clients');
			}
			break;
		}
		case 't': if (app.clinical()) go('#/today'); break;
		case 'c': go('#/clients'); break;
		case 'n': if (app.clinical() && app.chartId) go(`#/clients/${app.chartId}/notes/new`); break;
		default: break;
		}
	});
}
