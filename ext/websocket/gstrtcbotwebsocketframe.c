/* GStreamer RTCBot elements
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */


/* What becomes of one received frame, decided without touching any
 * connection or element so that it can be tested (and fuzzed) alone. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotjson.h"

/* Text messages must be non-empty UTF-8. */
gboolean
gst_rtcbot_websocket_bin_check_text (const gchar * data, gsize size,
    GError ** error)
{
  if (size == 0 || !g_utf8_validate_len (data, size, NULL)) {
    g_set_error_literal (error, GST_RTCBOT_JSON_ERROR,
        GST_RTCBOT_JSON_ERROR_INVALID,
        size == 0 ? "empty message" : "not valid UTF-8");
    return FALSE;
  }
  return TRUE;
}

/* Soup thread: a frame of @size bytes and websocket data @type received
 * while the run has @json and @max_message_size (0: no limit). Incoming
 * JSON is checked by the RFC 8259 validator, which does not build a tree;
 * its error names the line, the column and an excerpt. @error is set for
 * WS_FRAME_INVALID only. */
WsFrameKind
gst_rtcbot_websocket_bin_classify_frame (gboolean json,
    guint64 max_message_size, gint type, const gchar * data, gsize size,
    GError ** error)
{
  if (max_message_size > 0 && size > max_message_size)
    return WS_FRAME_OVERSIZE;
  if (json) {
    if (!gst_rtcbot_websocket_bin_check_text (data, size, error)
        || !gst_rtcbot_json_validate (data, size, error))
      return WS_FRAME_INVALID;
    return WS_FRAME_JSON;
  }
  return type == SOUP_WEBSOCKET_DATA_TEXT ? WS_FRAME_TEXT : WS_FRAME_BYTES;
}
