/*
 * qr.c - a QR code as an SVG image, for enrolling an authenticator app by
 * scanning the otpauth:// URI from the screen.
 *
 * Responsible for: encoding text with libqrencode (level M, 8-bit) and
 * drawing it as one SVG path.
 * Never: emits scripts, styles or external references, writes past the
 * caller's buffer maximum, or leaves the modules (which encode a secret)
 * in memory it has not wiped.
 */
#include "auth/auth.h"

#include <errno.h>
#include <qrencode.h>
#include <sodium.h>

#define AUTH_QR_QUIET 4 /* modules of white border the standard asks for */
#define AUTH_QR_SCALE 6 /* pixels per module in the width/height attributes */

/* path - one "M x y h n v1 h -n z" per horizontal run of dark modules. */
static enum err path(struct buf *svg, const QRcode *qr)
{
	int w = qr->width, x, y;
	enum err rc = ERR_OK;

	for (y = 0; y < w && rc == ERR_OK; y++) {
		for (x = 0; x < w && rc == ERR_OK;) {
			int start = x;

			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			while (x < w && (qr->data[y * w + x] & 1))
				x++;
			rc = buf_printf(svg, "M%d %dh%dv1h-%dz", start + AUTH_QR_QUIET,
			                y + AUTH_QR_QUIET, x - start, x - start);
		}
	}
	return rc;
}

enum err auth_qr_svg(const char *text, struct buf *out)
{
	QRcode *qr = NULL;
	struct buf svg;
	enum err rc;
	int size;

	buf_init(&svg, out != NULL ? out->max : 0, 1);
	if (text == NULL || out == NULL || text[0] == '\0') {
		rc = ERR_INVAL;
		goto out;
	}
	errno = 0;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL) {
		rc = errno == ERANGE ? ERR_TOOBIG : errno == EINVAL ? ERR_INVAL : ERR_NOMEM;
		goto out;
	}
	size = qr->width + 2 * AUTH_QR_QUIET;
	rc = buf_printf(&svg,
	                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	                "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	                "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	                size * AUTH_QR_SCALE, size * AUTH_QR_SCALE, size, size, size, size);
	if (rc != ERR_OK)
		goto out;
	rc = path(&svg, qr);
	if (rc != ERR_OK)
		goto out;
	rc = buf_puts(&svg, "\"/></svg>");
	if (rc != ERR_OK)
		goto out;
	rc = buf_append(out, svg.data, svg.len);
out:
	if (qr != NULL) {
		sodium_memzero(qr->data, (size_t)qr->width * (size_t)qr->width);
		QRcode_free(qr);
	}
	buf_cleanup(&svg);
	return rc;
}
