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

#include <gst/gst.h>

#include "gstrtcbotsrc.h"
#include "gstrtcbotsink.h"

/* The elements live in libgstrtcbot-1.0, beside their direct API; the
 * plugin only registers them */
GST_ELEMENT_REGISTER_DECLARE (rtcbotsrc);
GST_ELEMENT_REGISTER_DECLARE (rtcbotsink);

GST_ELEMENT_REGISTER_DEFINE (rtcbotsrc, "rtcbotsrc", GST_RANK_NONE,
    GST_TYPE_RTCBOT_SRC);
GST_ELEMENT_REGISTER_DEFINE (rtcbotsink, "rtcbotsink", GST_RANK_NONE,
    GST_TYPE_RTCBOT_SINK);

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (rtcbotsrc, plugin);
  ret |= GST_ELEMENT_REGISTER (rtcbotsink, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, rtcbot,
    "RTCBot producers and consumers: fan-out subscriptions and switchable "
    "consumers for application messages and media",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
