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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <json-glib/json-glib.h>

#include "gstrtcbotwebrtcbinprivate.h"
#include "gstrtcbotjson.h"

/* RTCBot's session description: {"type": "offer"|"answer", "sdp": "..."}.
 * A missing "type" is taken to be @expected_type, as RTCBot's Python side
 * only reads "sdp". On failure @error says what is wrong in words a user
 * of the HTTP endpoint understands. */
GstSDPMessage *
gst_rtcbot_webrtc_parse_description (const gchar * json, gsize size,
    const gchar * expected_type, GError ** error)
{
  JsonParser *parser = json_parser_new ();
  GError *parse_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *member;
  const gchar *type = expected_type, *text;
  GstSDPMessage *sdp = NULL;
  guint i;

  if (size > MAX_OFFER_BYTES) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the description is %" G_GSIZE_FORMAT " bytes, more than the %d "
        "accepted", size, MAX_OFFER_BYTES);
    goto done;
  }
  /* json-glib parses nested arrays and objects recursively: a body of a
   * million '[' overflows the stack of the soup thread and kills the
   * process (tests/fuzz/regressions/fuzz_description/). The validator is
   * not recursive and caps the nesting, so only what it accepts reaches
   * json-glib. */
  if (!gst_rtcbot_json_validate (json, size, &parse_error)
      || !json_parser_load_from_data (parser, json, size, &parse_error)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the description is not JSON: %s", parse_error->message);
    g_clear_error (&parse_error);
    goto done;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the description is not a JSON object {\"type\": ..., \"sdp\": ...}");
    goto done;
  }
  object = json_node_get_object (root);

  member = json_object_get_member (object, "type");
  if (member && JSON_NODE_HOLDS_VALUE (member)
      && json_node_get_value_type (member) == G_TYPE_STRING)
    type = json_node_get_string (member);
  if (g_strcmp0 (type, expected_type) != 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the description has type \"%s\", expected \"%s\"",
        type ? type : "(not a string)", expected_type);
    goto done;
  }

  member = json_object_get_member (object, "sdp");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the description has no \"sdp\" string");
    goto done;
  }
  text = json_node_get_string (member);

  /* GstSDP refuses an empty text with a critical (and would not parse it
   * anyway): say so first */
  if (*text == '\0') {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the \"sdp\" is empty");
    goto done;
  }
  /* on failure, gst_sdp_message_new_from_text() still hands over the
   * message it allocated: free it, or every such request leaks one */
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the \"sdp\" is not an SDP message");
    goto bad_sdp;
  }
  /* the SDP parser accepts nearly any text: insist on what WebRTC needs */
  if (gst_sdp_message_get_version (sdp) == NULL
      || gst_sdp_message_medias_len (sdp) == 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "the \"sdp\" has no version line or no media section");
    goto bad_sdp;
  }
  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
    const gchar *proto = gst_sdp_media_get_proto (media);

    if (gst_sdp_media_get_media (media) == NULL || proto == NULL
        || (strstr (proto, "SAVPF") == NULL
            && strstr (proto, "DTLS") == NULL)) {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "media section %u of the \"sdp\" is not a WebRTC one "
          "(protocol %s)", i, proto ? proto : "missing");
      goto bad_sdp;
    }
  }
  goto done;

bad_sdp:
  g_clear_pointer (&sdp, gst_sdp_message_free);
done:
  g_object_unref (parser);
  return sdp;
}

gchar *
gst_rtcbot_webrtc_description_to_json (const gchar * type, const gchar * sdp)
{
  JsonBuilder *builder = json_builder_new ();
  JsonGenerator *generator = json_generator_new ();
  JsonNode *root;
  gchar *json;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "sdp");
  json_builder_add_string_value (builder, sdp);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  json_node_unref (root);
  g_object_unref (generator);
  g_object_unref (builder);
  return json;
}
