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

/* The direct C API of libgstrtcbot-1.0 (gst_rtcbot_src_put() and friends):
 * the elements are made from their GTypes (no plugin needed) and driven
 * without action signals. put takes ownership of its buffer, and
 * the same buffer (not a copy) reaches the subscriber. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "gstrtcbotsink.h"
#include "gstrtcbotsrc.h"

#define CAPS_JSON "application/x-json"
#define CAPS_TEXT "text/x-raw, format = (string) utf8"
#define WAIT (10 * GST_SECOND)

static GstBuffer *
buffer_of (const gchar * text)
{
  return gst_buffer_new_memdup (text, strlen (text));
}

static void
assert_sample (GstSample * sample, const gchar * caps, const gchar * text)
{
  GstCaps *expected = gst_caps_from_string (caps);
  GstBuffer *buffer;

  fail_unless (sample != NULL);
  fail_unless (gst_caps_is_equal (gst_sample_get_caps (sample), expected),
      "caps %" GST_PTR_FORMAT ", expected %s", gst_sample_get_caps (sample),
      caps);
  buffer = gst_sample_get_buffer (sample);
  fail_unless_equals_int (gst_buffer_memcmp (buffer, 0, text,
          strlen (text)), 0);
  fail_unless_equals_int (gst_buffer_get_size (buffer), strlen (text));
  gst_caps_unref (expected);
}

GST_START_TEST (test_src_put_hands_the_same_buffer_on)
{
  GstElement *src = gst_object_ref_sink (g_object_new (GST_TYPE_RTCBOT_SRC,
          NULL));
  GstHarness *h;
  GstBuffer *buffer, *out;

  h = gst_harness_new_with_element (src, NULL, "src_%u");
  gst_harness_play (h);

  buffer = buffer_of ("{\"x\": 1}");
  /* transfer full: the subscriber ends up with the only reference */
  fail_unless_equals_int (gst_rtcbot_src_put (GST_RTCBOT_SRC (src), buffer),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out == buffer);
  fail_unless_equals_int (GST_MINI_OBJECT_REFCOUNT_VALUE (out), 1);
  gst_buffer_unref (out);

  gst_rtcbot_src_close (GST_RTCBOT_SRC (src));
  fail_unless_equals_int (gst_rtcbot_src_put (GST_RTCBOT_SRC (src),
          buffer_of ("late")), GST_FLOW_EOS);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_src_get_sees_every_put)
{
  GstRtcbotSrc *src = gst_object_ref_sink (g_object_new (GST_TYPE_RTCBOT_SRC,
          NULL));
  GstSample *sample;
  GstFlowReturn ret;

  /* the first get creates the default subscription */
  fail_unless (gst_rtcbot_src_get (src, 0) == NULL);
  fail_unless_equals_int (gst_rtcbot_src_put_json (src, "{\"x\": 1}"),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_rtcbot_src_put_string (src, "hello"),
      GST_FLOW_OK);

  sample = gst_rtcbot_src_get (src, WAIT);
  assert_sample (sample, CAPS_JSON, "{\"x\": 1}");
  gst_sample_unref (sample);
  sample = gst_rtcbot_src_get (src, WAIT);
  assert_sample (sample, CAPS_TEXT, "hello");
  gst_sample_unref (sample);

  /* invalid JSON is refused and nothing is sent */
  ret = gst_rtcbot_src_put_json (src, "{\"x\": ");
  fail_unless_equals_int (ret, GST_FLOW_ERROR);
  fail_unless (gst_rtcbot_src_get (src, 0) == NULL);

  /* unsubscribe wakes nobody here, and drops what the subscription held */
  fail_unless_equals_int (gst_rtcbot_src_put_string (src, "dropped"),
      GST_FLOW_OK);
  gst_rtcbot_src_unsubscribe (src);
  fail_unless (gst_rtcbot_src_get (src, 0) == NULL);

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_src_put_sample_sets_caps)
{
  GstRtcbotSrc *src = gst_object_ref_sink (g_object_new (GST_TYPE_RTCBOT_SRC,
          NULL));
  GstCaps *caps = gst_caps_from_string ("application/x-test");
  GstBuffer *buffer = buffer_of ("abc");
  GstSample *in = gst_sample_new (buffer, caps, NULL, NULL), *out;

  fail_unless (gst_rtcbot_src_get (src, 0) == NULL);
  fail_unless_equals_int (gst_rtcbot_src_put_sample (src, in), GST_FLOW_OK);
  /* transfer none: the caller's sample is untouched */
  fail_unless (gst_sample_get_buffer (in) == buffer);
  gst_sample_unref (in);
  gst_buffer_unref (buffer);

  /* a plain put after it is described by the sample's caps */
  fail_unless_equals_int (gst_rtcbot_src_put (src, buffer_of ("def")),
      GST_FLOW_OK);
  out = gst_rtcbot_src_get (src, WAIT);
  assert_sample (out, "application/x-test", "abc");
  gst_sample_unref (out);
  out = gst_rtcbot_src_get (src, WAIT);
  assert_sample (out, "application/x-test", "def");
  gst_sample_unref (out);

  gst_caps_unref (caps);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_sink_put_get_close)
{
  GstRtcbotSink *sink =
      gst_object_ref_sink (g_object_new (GST_TYPE_RTCBOT_SINK, NULL));
  GstBuffer *buffer = buffer_of ("\x01\x02");
  GstSample *sample;

  gst_element_set_state (GST_ELEMENT (sink), GST_STATE_PLAYING);
  fail_unless_equals_int (gst_rtcbot_sink_put (sink, buffer), GST_FLOW_OK);
  fail_unless_equals_int (gst_rtcbot_sink_put_json (sink, "[1, 2]"),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_rtcbot_sink_put_string (sink, "go"), GST_FLOW_OK);

  sample = gst_rtcbot_sink_get (sink, WAIT);
  fail_unless (sample != NULL);
  fail_unless (gst_sample_get_buffer (sample) == buffer);
  gst_sample_unref (sample);
  sample = gst_rtcbot_sink_get (sink, WAIT);
  assert_sample (sample, CAPS_JSON, "[1, 2]");
  gst_sample_unref (sample);

  /* what was queued before close is still got, then NULL */
  fail_unless_equals_int (gst_rtcbot_sink_put_json (sink, "{}"), GST_FLOW_OK);
  gst_rtcbot_sink_close (sink);
  sample = gst_rtcbot_sink_get (sink, WAIT);
  assert_sample (sample, CAPS_TEXT, "go");
  gst_sample_unref (sample);
  sample = gst_rtcbot_sink_get (sink, WAIT);
  assert_sample (sample, CAPS_JSON, "{}");
  gst_sample_unref (sample);
  fail_unless (gst_rtcbot_sink_get (sink, WAIT) == NULL);
  fail_unless_equals_int (gst_rtcbot_sink_put_string (sink, "late"),
      GST_FLOW_EOS);

  gst_element_set_state (GST_ELEMENT (sink), GST_STATE_NULL);
  gst_object_unref (sink);
}

GST_END_TEST;

static Suite *
rtcbotapi_suite (void)
{
  Suite *s = suite_create ("rtcbotapi");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_src_put_hands_the_same_buffer_on);
  tcase_add_test (tc, test_src_get_sees_every_put);
  tcase_add_test (tc, test_src_put_sample_sets_caps);
  tcase_add_test (tc, test_sink_put_get_close);
  return s;
}

GST_CHECK_MAIN (rtcbotapi);
