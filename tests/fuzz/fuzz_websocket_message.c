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

/* A websocket frame received by rtcbotwebsocketbin: the size limit, the
 * UTF-8 and JSON checks of json=true, the excerpt of the warning about an
 * invalid one (ext/websocket/gstrtcbotwebsocketframe.c, called by
 * gstrtcbotwebsocketmessages.c). The first byte picks the settings (json,
 * text or binary frame, a small max-message-size or none), the rest is the
 * frame's payload. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzz.h"
#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotjson.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* a critical is a caller's mistake, as a crash is: abort, so that the
   * fuzzer keeps the input */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static const guint64 limits[] = { 0, 0, 16, 1024 };
  gboolean json;
  gint type;
  guint64 max;
  const gchar *payload;
  gsize len;
  GError *error = NULL;
  WsFrameKind kind;
  gchar *excerpt;

  if (size == 0)
    return 0;
  json = !(data[0] & 1);
  type = data[0] & 2 ? SOUP_WEBSOCKET_DATA_BINARY : SOUP_WEBSOCKET_DATA_TEXT;
  max = limits[(data[0] >> 2) & 3];
  payload = (const gchar *) data + 1;
  len = size - 1;

  kind = gst_rtcbot_websocket_bin_classify_frame (json, max, type, payload,
      len, &error);
  FUZZ_CHECK ((kind == WS_FRAME_INVALID) == (error != NULL));
  switch (kind) {
    case WS_FRAME_OVERSIZE:
      FUZZ_CHECK (max > 0 && len > max);
      break;
    case WS_FRAME_INVALID:
      FUZZ_CHECK (json);
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
      /* what invalid_json() puts in the warning */
      excerpt = gst_rtcbot_json_excerpt (payload, len, EXCERPT_BYTES);
      FUZZ_CHECK (g_utf8_validate (excerpt, -1, NULL));
      g_free (excerpt);
      g_clear_error (&error);
      break;
    case WS_FRAME_JSON:
      /* what reaches the application is text a JSON parser takes */
      FUZZ_CHECK (json && len > 0);
      FUZZ_CHECK (g_utf8_validate_len (payload, len, NULL));
      break;
    case WS_FRAME_TEXT:
      FUZZ_CHECK (!json && type == SOUP_WEBSOCKET_DATA_TEXT);
      break;
    case WS_FRAME_BYTES:
      FUZZ_CHECK (!json && type == SOUP_WEBSOCKET_DATA_BINARY);
      break;
    default:
      FUZZ_CHECK (!"unknown frame kind");
  }
  return 0;
}
