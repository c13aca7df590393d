/* gst-rtcbot
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

#ifndef __GST_RTCBOT_JSON_H__
#define __GST_RTCBOT_JSON_H__

#include "rtcbot-prelude.h"
#include <glib.h>

G_BEGIN_DECLS

#define GST_RTCBOT_JSON_ERROR (gst_rtcbot_json_error_quark ())
GST_RTCBOT_API
GQuark gst_rtcbot_json_error_quark (void);

/**
 * GstRtcbotJsonError:
 * @GST_RTCBOT_JSON_ERROR_INVALID: the input is not a single valid RFC 8259
 *   JSON value
 * @GST_RTCBOT_JSON_ERROR_TOO_DEEP: arrays/objects are nested deeper than
 *   %GST_RTCBOT_JSON_MAX_DEPTH
 */
typedef enum {
  GST_RTCBOT_JSON_ERROR_INVALID,
  GST_RTCBOT_JSON_ERROR_TOO_DEEP
} GstRtcbotJsonError;

/**
 * GST_RTCBOT_JSON_MAX_DEPTH:
 *
 * Maximum number of nested arrays/objects accepted by
 * gst_rtcbot_json_validate().
 */
#define GST_RTCBOT_JSON_MAX_DEPTH 512

/* Returns TRUE if data[0..len) is exactly one valid JSON value (any type at
 * top level, surrounding whitespace allowed). data need not be
 * NUL-terminated; an embedded NUL is invalid.
 * On failure sets error with a human message like
 *   "line 1, column 8: expected ',' or '}' after object member near '...'"
 * i.e. "line L, column C: <what was expected/found> near '<excerpt>'" where
 * excerpt is at most ~24 bytes of the input around the error position, with
 * control characters shown as \n, \t, \uXXXX-escaped, and cut on a UTF-8
 * character boundary. */
GST_RTCBOT_API
gboolean gst_rtcbot_json_validate (const gchar * data, gsize len,
    GError ** error);
GST_RTCBOT_API
gchar *gst_rtcbot_json_excerpt (const gchar * data, gsize size, gsize max);

G_END_DECLS

#endif /* __GST_RTCBOT_JSON_H__ */
