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


#ifndef __GST_RTCBOT_MISSING_H__
#define __GST_RTCBOT_MISSING_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

GST_RTCBOT_API
gchar *      gst_rtcbot_missing_element_text   (const gchar * factory);

GST_RTCBOT_API
gchar *      gst_rtcbot_missing_elements_text  (GstParseContext * context);

GST_RTCBOT_API
GstElement * gst_rtcbot_make_element           (GstElement * self,
                                                const gchar * factory);

GST_RTCBOT_API
GstElement * gst_rtcbot_parse_launch           (const gchar * description,
                                                GstParseFlags flags,
                                                GError ** error);

GST_RTCBOT_API
GstElement * gst_rtcbot_parse_bin              (const gchar * description,
                                                GError ** error);

GST_RTCBOT_API
void         gst_rtcbot_post_missing_element   (GstElement * self,
                                                const gchar * factory);

G_END_DECLS

#endif /* __GST_RTCBOT_MISSING_H__ */
