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

#ifndef __GST_RTCBOT_BIN_H__
#define __GST_RTCBOT_BIN_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTCBOT_BIN (gst_rtcbot_bin_get_type ())
GST_RTCBOT_API
G_DECLARE_DERIVABLE_TYPE (GstRtcbotBin, gst_rtcbot_bin, GST, RTCBOT_BIN,
    GstBin);

/**
 * GstRtcbotBinClass:
 * @parent_class: the parent class
 * @start: READY to PAUSED, before the children change state: open the
 *   connection or the server. Return %FALSE (with an error posted) to fail
 *   the state change.
 * @stop: PAUSED to READY, once the children are READY (the inner message
 *   elements are flushed, so nothing blocks on them): close everything
 *   @start opened. Also called when going to PAUSED failed.
 * @send: messages wait in the outgoing queue; take them with
 *   gst_rtcbot_bin_take_outgoing(). Called from any thread.
 * @close: the application closed the bin (the `close` action or an EOS
 *   sent to the bin): end the connections. The bin is already marked
 *   closed.
 *
 * What a network bin implements; the base class owns the message pads,
 * the action signals, `ready`, `closed`, `invalid-messages` and the bus
 * messages that go with them.
 *
 * Since: 0.1
 */
struct _GstRtcbotBinClass
{
  GstBinClass parent_class;

  gboolean (*start) (GstRtcbotBin * bin);
  void (*stop) (GstRtcbotBin * bin);
  void (*send) (GstRtcbotBin * bin);
  void (*close) (GstRtcbotBin * bin);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

/* the application's API: the action signals without marshalling */
GST_RTCBOT_API
GstFlowReturn gst_rtcbot_bin_put (GstRtcbotBin * bin, GstBuffer * buffer);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_bin_put_string (GstRtcbotBin * bin,
    const gchar * string);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_bin_put_json (GstRtcbotBin * bin, const gchar * json);

GST_RTCBOT_API
GstSample *gst_rtcbot_bin_get (GstRtcbotBin * bin, GstClockTime timeout);

GST_RTCBOT_API
void gst_rtcbot_bin_close (GstRtcbotBin * bin);

/* for subclasses */
GST_RTCBOT_API
void gst_rtcbot_bin_class_add_message_pad_templates (GstRtcbotBinClass * klass);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_bin_deliver (GstRtcbotBin * bin, GstSample * sample);

GST_RTCBOT_API
GstSample *gst_rtcbot_bin_take_outgoing (GstRtcbotBin * bin);

GST_RTCBOT_API
void gst_rtcbot_bin_set_ready (GstRtcbotBin * bin, gboolean ready);

GST_RTCBOT_API
gboolean gst_rtcbot_bin_end (GstRtcbotBin * bin, const gchar * reason);

GST_RTCBOT_API
gboolean gst_rtcbot_bin_suspend (GstRtcbotBin * bin, const gchar * reason);

GST_RTCBOT_API
void gst_rtcbot_bin_resume (GstRtcbotBin * bin);

GST_RTCBOT_API
gboolean gst_rtcbot_bin_is_ended (GstRtcbotBin * bin);

GST_RTCBOT_API
void gst_rtcbot_bin_drop_invalid (GstRtcbotBin * bin, const gchar * where,
    const gchar * data, gsize size, const GError * error);

GST_RTCBOT_API
void gst_rtcbot_bin_post (GstRtcbotBin * bin, GstStructure * structure);

G_END_DECLS

#endif /* __GST_RTCBOT_BIN_H__ */
