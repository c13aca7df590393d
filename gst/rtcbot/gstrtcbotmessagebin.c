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

#include "gstrtcbotmessagebin.h"

/* Creates the inner elements and adds them to @bin; FALSE when the rtcbot
 * plugin is missing (the bin reports it when it starts). */
gboolean
gst_rtcbot_message_bin_init (GstRtcbotMessageBin * mb, GstBin * bin,
    GCallback on_new_data, gpointer user_data)
{
  mb->src = gst_element_factory_make ("rtcbotsrc", "incoming");
  mb->sink = gst_element_factory_make ("rtcbotsink", "outgoing");
  if (mb->src == NULL || mb->sink == NULL) {
    gst_clear_object (&mb->src);
    gst_clear_object (&mb->sink);
    return FALSE;
  }
  /* looked up once: these are emitted per message */
  mb->src_put_sample_id = g_signal_lookup ("put-sample",
      G_OBJECT_TYPE (mb->src));
  mb->src_get_id = g_signal_lookup ("get", G_OBJECT_TYPE (mb->src));
  mb->sink_put_id = g_signal_lookup ("put", G_OBJECT_TYPE (mb->sink));
  mb->sink_put_string_id = g_signal_lookup ("put-string",
      G_OBJECT_TYPE (mb->sink));
  mb->sink_put_json_id = g_signal_lookup ("put-json", G_OBJECT_TYPE (mb->sink));
  mb->sink_get_id = g_signal_lookup ("get", G_OBJECT_TYPE (mb->sink));
  g_object_set (mb->sink, "emit-signals", TRUE, NULL);
  g_signal_connect (mb->sink, "new-data", on_new_data, user_data);
  gst_bin_add_many (bin, mb->src, mb->sink, NULL);
  return TRUE;
}

void
gst_rtcbot_message_bin_dispose (GstRtcbotMessageBin * mb, gpointer user_data)
{
  if (mb->sink)
    g_signal_handlers_disconnect_by_data (mb->sink, user_data);
  /* the bin owns them; these were borrowed pointers */
  mb->src = NULL;
  mb->sink = NULL;
}

/* A `src_%u`/`sink_%u` ghost pad of @bin targeting a request pad of the
 * inner element of the same direction. */
GstPad *
gst_rtcbot_message_bin_request_pad (GstRtcbotMessageBin * mb,
    GstElement * bin, GstPadTemplate * templ, const gchar * name)
{
  GstElement *inner = GST_PAD_TEMPLATE_DIRECTION (templ) == GST_PAD_SRC ?
      mb->src : mb->sink;
  GstPad *target, *ghost;

  if (inner == NULL)
    return NULL;
  target = gst_element_request_pad_simple (inner,
      name ? name : GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
  if (target == NULL)
    return NULL;

  ghost = gst_ghost_pad_new_from_template (GST_PAD_NAME (target), target,
      templ);
  if (!gst_element_add_pad (bin, ghost)) {
    GST_WARNING_OBJECT (bin, "could not add pad %s", GST_PAD_NAME (target));
    gst_object_unref (ghost);
    gst_element_release_request_pad (inner, target);
    gst_object_unref (target);
    return NULL;
  }
  gst_object_unref (target);
  return ghost;
}

/* Removes a ghost pad of @bin and releases the inner request pad behind
 * it, if any. */
void
gst_rtcbot_message_bin_release_pad (GstElement * bin, GstPad * pad)
{
  GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));
  GstElement *inner = target ? gst_pad_get_parent_element (target) : NULL;

  /* the inner subscription first: its streaming thread stops before the
   * ghost pad it pushes through is torn down, so no push can meet a
   * half-removed ghost (and be reported as that subscriber's error) */
  if (inner) {
    gst_element_release_request_pad (inner, target);
    gst_object_unref (inner);
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (bin, pad);
  gst_clear_object (&target);
}

/* TRUE when some `sink_%u` ghost pad of @bin is linked: that consumer
 * ends when its producer's EOS arrives through it. */
static gboolean
outgoing_is_fed (GstRtcbotMessageBin * mb, GstElement * bin)
{
  gboolean fed = FALSE;
  GList *l;

  GST_OBJECT_LOCK (bin);
  for (l = bin->sinkpads; l && !fed; l = l->next) {
    GstPad *ghost = l->data;
    GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (ghost));

    if (target) {
      fed = GST_PAD_PARENT (target) == mb->sink && gst_pad_is_linked (ghost);
      gst_object_unref (target);
    }
  }
  GST_OBJECT_UNLOCK (bin);
  return fed;
}

/* An EOS sent to @bin (gst-launch-1.0 -e on Ctrl-C, or
 * gst_element_send_event() by an application): the incoming side ends as
 * `close` does, and so does the outgoing side when nothing upstream is
 * linked to bring it EOS; otherwise the bin, a sink too, would never post
 * EOS and the pipeline never end. Returns what the incoming side said. */
gboolean
gst_rtcbot_message_bin_send_eos (GstRtcbotMessageBin * mb, GstElement * bin,
    GstEvent * event)
{
  gboolean ret = FALSE;

  if (mb->src)
    ret = gst_element_send_event (mb->src, gst_event_ref (event));
  if (mb->sink && !outgoing_is_fed (mb, bin))
    g_signal_emit_by_name (mb->sink, "close");
  gst_event_unref (event);
  return ret;
}

/* The inner elements' own ready/closed messages would be mistaken for the
 * bin's: TRUE for those, which the bin drops and replaces with its own. */
gboolean
gst_rtcbot_message_bin_is_inner_lifecycle (GstRtcbotMessageBin * mb,
    GstMessage * message)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT
      || (GST_MESSAGE_SRC (message) != GST_OBJECT_CAST (mb->src)
          && GST_MESSAGE_SRC (message) != GST_OBJECT_CAST (mb->sink)))
    return FALSE;
  s = gst_message_get_structure (message);
  return gst_structure_has_name (s, "rtcbot-ready")
      || gst_structure_has_name (s, "rtcbot-closed");
}

GstFlowReturn
gst_rtcbot_message_bin_put (GstRtcbotMessageBin * mb, GstBuffer * buffer)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  if (mb->sink)
    g_signal_emit (mb->sink, mb->sink_put_id, 0, buffer, &ret);
  return ret;
}

GstFlowReturn
gst_rtcbot_message_bin_put_string (GstRtcbotMessageBin * mb,
    const gchar * string)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  if (mb->sink)
    g_signal_emit (mb->sink, mb->sink_put_string_id, 0, string, &ret);
  return ret;
}

GstFlowReturn
gst_rtcbot_message_bin_put_json (GstRtcbotMessageBin * mb, const gchar * json)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  if (mb->sink)
    g_signal_emit (mb->sink, mb->sink_put_json_id, 0, json, &ret);
  return ret;
}

/* A received message, to every subscriber of the incoming side. */
GstFlowReturn
gst_rtcbot_message_bin_deliver (GstRtcbotMessageBin * mb, GstSample * sample)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  if (mb->src)
    g_signal_emit (mb->src, mb->src_put_sample_id, 0, sample, &ret);
  return ret;
}

GstSample *
gst_rtcbot_message_bin_get (GstRtcbotMessageBin * mb, guint64 timeout)
{
  GstSample *sample = NULL;

  if (mb->src)
    g_signal_emit (mb->src, mb->src_get_id, 0, timeout, &sample);
  return sample;
}

/* The next message to send, without waiting; NULL when there is none. */
GstSample *
gst_rtcbot_message_bin_take_outgoing (GstRtcbotMessageBin * mb)
{
  GstSample *sample = NULL;

  if (mb->sink)
    g_signal_emit (mb->sink, mb->sink_get_id, 0, (guint64) 0, &sample);
  return sample;
}
