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

#ifndef __GST_RTCBOT_PRELUDE_H__
#define __GST_RTCBOT_PRELUDE_H__

#include <gst/gst.h>

/* What libgstrtcbot-1.0 exports: the library is built with hidden symbols,
 * and only what is marked here is seen by the plugins and applications */
#ifndef GST_RTCBOT_API
# ifdef BUILDING_GST_RTCBOT
#  define GST_RTCBOT_API GST_API_EXPORT
# else
#  define GST_RTCBOT_API GST_API_IMPORT
# endif
#endif

#endif /* __GST_RTCBOT_PRELUDE_H__ */
