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

#include "gstrtcbotcommon.h"
#include "gstrtcbotjson.h"

static GstStaticCaps json_caps = GST_STATIC_CAPS (GST_RTCBOT_JSON_CAPS);
static GstStaticCaps text_caps = GST_STATIC_CAPS (GST_RTCBOT_TEXT_CAPS);
static GstStaticCaps bytes_caps = GST_STATIC_CAPS (GST_RTCBOT_BYTES_CAPS);

/* transfer full */
GstCaps *
gst_rtcbot_json_caps (void)
{
  return gst_static_caps_get (&json_caps);
}

GstCaps *
gst_rtcbot_text_caps (void)
{
  return gst_static_caps_get (&text_caps);
}

GstCaps *
gst_rtcbot_bytes_caps (void)
{
  return gst_static_caps_get (&bytes_caps);
}

static GstBuffer *
buffer_new_text (const gchar * text, GError ** error)
{
  gsize len = strlen (text);
  const gchar *end;

  if (!g_utf8_validate_len (text, len, &end)) {
    g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
        "the string is not valid UTF-8 (invalid byte at offset %"
        G_GSIZE_FORMAT ")", (gsize) (end - text));
    return NULL;
  }
  /* an empty message is a message too */
  return len > 0 ? gst_buffer_new_memdup (text, len) : gst_buffer_new ();
}

static GstBuffer *
buffer_new_json (const gchar * json, GError ** error)
{
  gsize len = strlen (json);

  if (!gst_rtcbot_json_validate (json, len, error))
    return NULL;
  return gst_buffer_new_memdup (json, len);
}

/**
 * gst_rtcbot_message_new:
 * @element: the element the application gave @string to
 * @kind: what @string must be
 * @string: (nullable): the message, without its terminating NUL
 * @caps: (out) (transfer full): the caps of the message
 *
 * Returns: (transfer full) (nullable): one buffer holding @string, or NULL
 * after posting a warning on @element that names what is wrong with it.
 */
GstBuffer *
gst_rtcbot_message_new (GstElement * element, GstRtcbotMessageKind kind,
    const gchar * string, GstCaps ** caps)
{
  GError *error = NULL;
  GstBuffer *buffer;

  *caps = NULL;
  if (string == NULL) {
    g_set_error_literal (&error, G_CONVERT_ERROR, G_CONVERT_ERROR_FAILED,
        "the string is NULL");
    buffer = NULL;
  } else if (kind == GST_RTCBOT_MESSAGE_JSON) {
    buffer = buffer_new_json (string, &error);
  } else {
    buffer = buffer_new_text (string, &error);
  }
  if (buffer == NULL)
    goto invalid;

  *caps = kind == GST_RTCBOT_MESSAGE_JSON ? gst_rtcbot_json_caps () :
      gst_rtcbot_text_caps ();
  return buffer;

  /* ERRORS */
invalid:
  {
    GST_ELEMENT_WARNING (element, STREAM, FORMAT,
        ("Message refused: %s", error->message),
        ("%s message of %" G_GSIZE_FORMAT " bytes", kind ==
            GST_RTCBOT_MESSAGE_JSON ? "JSON" : "text",
            string ? strlen (string) : 0));
    g_clear_error (&error);
    return NULL;
  }
}

/* Returns a sample like @sample (transfer full) whose buffer is flagged
 * DISCONT; the buffer's memory stays shared. */
GstSample *
gst_rtcbot_sample_mark_discont (GstSample * sample)
{
  GstBuffer *buffer = gst_buffer_copy (gst_sample_get_buffer (sample));
  const GstStructure *info = gst_sample_get_info (sample);
  GstSample *marked;

  GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  marked = gst_sample_new (buffer, gst_sample_get_caps (sample),
      gst_sample_get_segment (sample), info ? gst_structure_copy (info) : NULL);
  gst_buffer_unref (buffer);
  gst_sample_unref (sample);
  return marked;
}

static void
post_ready (GstElement * element, gboolean ready)
{
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT_CAST (element),
          gst_structure_new ("rtcbot-ready", "ready", G_TYPE_BOOLEAN, ready,
              NULL)));
}

/* Changes `ready`, then notifies and posts `rtcbot-ready` outside the lock. */
void
gst_rtcbot_lifecycle_set_ready (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec, gboolean ready)
{
  gboolean changed;

  GST_OBJECT_LOCK (element);
  ready = ready && !lifecycle->closed;
  changed = lifecycle->ready != ready;
  lifecycle->ready = ready;
  GST_OBJECT_UNLOCK (element);

  if (!changed)
    return;
  g_object_notify_by_pspec (G_OBJECT (element), ready_pspec);
  post_ready (element, ready);
}

/* Marks the element closed once. Returns FALSE when it already was, so
 * callers can make close idempotent. */
gboolean
gst_rtcbot_lifecycle_close (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec,
    GParamSpec * closed_pspec, const gchar * reason)
{
  gboolean was_ready;

  GST_OBJECT_LOCK (element);
  if (lifecycle->closed) {
    GST_OBJECT_UNLOCK (element);
    return FALSE;
  }
  lifecycle->closed = TRUE;
  was_ready = lifecycle->ready;
  lifecycle->ready = FALSE;
  GST_OBJECT_UNLOCK (element);

  GST_INFO_OBJECT (element, "closed: %s", reason);
  if (was_ready) {
    g_object_notify_by_pspec (G_OBJECT (element), ready_pspec);
    post_ready (element, FALSE);
  }
  g_object_notify_by_pspec (G_OBJECT (element), closed_pspec);
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT_CAST (element),
          gst_structure_new ("rtcbot-closed", "reason", G_TYPE_STRING, reason,
              NULL)));
  return TRUE;
}

/* A closed element that is taken back to READY may run again. */
void
gst_rtcbot_lifecycle_reopen (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * closed_pspec)
{
  gboolean was_closed;

  GST_OBJECT_LOCK (element);
  was_closed = lifecycle->closed;
  lifecycle->closed = FALSE;
  GST_OBJECT_UNLOCK (element);

  if (was_closed)
    g_object_notify_by_pspec (G_OBJECT (element), closed_pspec);
}

/**
 * gst_rtcbot_element_message_from_error:
 * @element: the element posting
 * @type: %GST_MESSAGE_ERROR or %GST_MESSAGE_WARNING
 * @domain: the GStreamer error domain of the message
 * @code: the code in @domain
 * @cause: the error that caused it
 * @text: (transfer full): the message a user reads
 * @file: source file
 * @function: source function
 * @line: source line
 *
 * Posts an error or warning whose details structure, `rtcbot-cause`, keeps
 * @cause as it was: its `domain` (string), `code` (int) and `message`
 * (string), so that an application can tell a refused connection from a
 * TLS failure without parsing text. The debug string holds them too. Used
 * through GST_RTCBOT_ELEMENT_ERROR_FROM() and
 * GST_RTCBOT_ELEMENT_WARNING_FROM().
 *
 * Since: 0.1
 */
void
gst_rtcbot_element_message_from_error (GstElement * element,
    GstMessageType type, GQuark domain, gint code, const GError * cause,
    gchar * text, const gchar * file, const gchar * function, gint line)
{
  GstStructure *details;
  gchar *debug;

  if (cause == NULL) {
    g_free (text);
    g_return_if_fail (cause != NULL);
  }

  details = gst_structure_new ("rtcbot-cause",
      "domain", G_TYPE_STRING, g_quark_to_string (cause->domain),
      "code", G_TYPE_INT, cause->code,
      "message", G_TYPE_STRING, cause->message, NULL);
  debug = g_strdup_printf ("%s (%s %d)", cause->message,
      g_quark_to_string (cause->domain), cause->code);
  gst_element_message_full_with_details (element, type, domain, code, text,
      debug, file, function, line, details);
}
