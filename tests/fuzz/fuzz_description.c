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

/* The body of a POST /connect and the descriptions given to create-answer
 * and set-remote-description: RTCBot's {"type", "sdp"} JSON, parsed by
 * json-glib, and the SDP in it, parsed by GstSDP
 * (ext/webrtc/gstrtcbotwebrtcsdp.c). Besides memory errors and UB it checks
 * that a refusal has a UTF-8 reason (it is sent back as text/plain;
 * charset=utf-8 and posted in a warning), and that SDP text survives the
 * trip through our own description JSON. Each input is tried as the body,
 * then as the SDP text of a body. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzz.h"
#include <json-glib/json-glib.h>

#include "gstrtcbotwebrtcbinprivate.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* a critical is a caller's mistake, as a crash is: abort, so that the
   * fuzzer keeps the input */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  /* error quarks and GstSDP's debug category */
  gst_init (NULL, NULL);
  return 0;
}

/* Our own answer JSON carries the SDP text unchanged. (Not the SDP itself
 * through GstSDP: gst_sdp_media_as_text() of GStreamer 1.22 drops the line
 * end after a media-level "i=" line, so a parsed offer does not always
 * print back to the same sections; we never print a remote SDP.) */
static void
check_round_trip (GstSDPMessage * sdp)
{
  gchar *text = gst_sdp_message_as_text (sdp);
  gchar *json = gst_rtcbot_webrtc_description_to_json ("answer", text);
  JsonParser *parser = json_parser_new ();
  JsonObject *object;
  GstSDPMessage *again;
  GError *error = NULL;

  FUZZ_CHECK (json != NULL);
  FUZZ_CHECK (json_parser_load_from_data (parser, json, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  FUZZ_CHECK (g_strcmp0 (json_object_get_string_member (object, "type"),
          "answer") == 0);
  FUZZ_CHECK (g_strcmp0 (json_object_get_string_member (object, "sdp"),
          text) == 0);
  g_object_unref (parser);

  /* and parsing it again is safe, whatever the outcome */
  again = gst_rtcbot_webrtc_parse_description (json, strlen (json), "answer",
      &error);
  if (again)
    gst_sdp_message_free (again);
  g_clear_error (&error);
  g_free (json);
  g_free (text);
}

static void
parse_one (const gchar * json, gsize size)
{
  GError *error = NULL;
  GstSDPMessage *sdp;

  sdp = gst_rtcbot_webrtc_parse_description (json, size, "offer", &error);
  FUZZ_CHECK ((sdp == NULL) == (error != NULL));
  if (sdp == NULL) {
    FUZZ_CHECK (error->domain == GST_STREAM_ERROR);
    FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
    g_clear_error (&error);
    return;
  }
  FUZZ_CHECK (gst_sdp_message_get_version (sdp) != NULL);
  FUZZ_CHECK (gst_sdp_message_medias_len (sdp) > 0);
  check_round_trip (sdp);
  gst_sdp_message_free (sdp);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *text = (const gchar *) data;

  parse_one (text, size);

  /* the same bytes as the "sdp" of a well-formed description too, so that
   * most mutations reach GstSDP and our checks of its result rather than
   * stop at the JSON syntax */
  if (g_utf8_validate_len (text, size, NULL)) {
    gchar *sdp_text = g_strndup (text, size);
    gchar *json = gst_rtcbot_webrtc_description_to_json ("offer", sdp_text);

    parse_one (json, strlen (json));
    g_free (json);
    g_free (sdp_text);
  }
  return 0;
}
