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

/* Helpers the GstCheck suites share: a pipeline from a launch line, a
 * bounded wait on its bus, and the action signals every element has. */

#ifndef __RTCBOT_CHECK_H__
#define __RTCBOT_CHECK_H__

#include <gst/check/gstcheck.h>

G_BEGIN_DECLS

/* Called with every message rtcbot_check_wait() skips. */
typedef void (*RtcbotCheckSeen) (GstMessage * message, gpointer user_data);

GstElement *rtcbot_check_launch (const gchar * description);

GstMessage *rtcbot_check_wait (GstBus * bus, GstMessageType type,
    const gchar * name, GstClockTime timeout, RtcbotCheckSeen seen,
    gpointer user_data);

GstFlowReturn rtcbot_check_put_string (GstElement * element,
    const gchar * action, const gchar * string);

GstSample *rtcbot_check_get (GstElement * element, GstClockTime timeout);

G_END_DECLS

#endif /* __RTCBOT_CHECK_H__ */
