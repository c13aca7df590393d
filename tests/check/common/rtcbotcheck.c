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

#include "rtcbotcheck.h"

/* A pipeline made from @description; the lone element of a description
 * naming only one is put into a new pipeline. Fails the test with the
 * parse error. */
GstElement *
rtcbot_check_launch (const gchar * description)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", description,
      error ? error->message : "?");
  if (!GST_IS_PIPELINE (pipeline)) {
    GstElement *single = pipeline;

    pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (pipeline), single);
  }
  return pipeline;
}

/* Pops messages of @bus until one of @type arrives (an element message
 * named @name, when @name is set) and returns it. An error that is not
 * what is waited for fails the test, with its text, as does @timeout
 * passing. @seen, when set, sees every message skipped. */
GstMessage *
rtcbot_check_wait (GstBus * bus, GstMessageType type, const gchar * name,
    GstClockTime timeout, RtcbotCheckSeen seen, gpointer user_data)
{
  GstClockTime deadline = gst_util_get_timestamp () + timeout;

  for (;;) {
    GstClockTime now = gst_util_get_timestamp ();
    GstMessage *msg;

    fail_unless (now < deadline, "timeout waiting for %s %s",
        gst_message_type_get_name (type), GST_STR_NULL (name));
    msg = gst_bus_timed_pop (bus, deadline - now);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == type && (name == NULL
            || gst_message_has_name (msg, name)))
      return msg;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err = NULL;
      gchar *debug = NULL;

      gst_message_parse_error (msg, &err, &debug);
      fail ("unexpected error: %s (%s)", err->message, GST_STR_NULL (debug));
    }
    if (seen)
      seen (msg, user_data);
    gst_message_unref (msg);
  }
}

/* Emits @action ("put-string", "put-json") with @string. */
GstFlowReturn
rtcbot_check_put_string (GstElement * element, const gchar * action,
    const gchar * string)
{
  GstFlowReturn ret = GST_FLOW_CUSTOM_ERROR;

  g_signal_emit_by_name (element, action, string, &ret);
  return ret;
}

/* Emits `get` with @timeout. */
GstSample *
rtcbot_check_get (GstElement * element, GstClockTime timeout)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (element, "get", (guint64) timeout, &sample);
  return sample;
}
