// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace runboard {

// Text written by agents (a manifest, plan.md), made safe for a tooltip. Qt shows a tooltip that
// looks like HTML as rich text (Qt::mightBeRichText), so a title like "<a href=…>" would render
// as a link; such text is escaped and wrapped so it shows literally, tags and all. Anything else
// is returned unchanged. Labels take Qt::PlainText instead; item views never render markup.
QString plainToolTip(const QString &text);

} // namespace runboard
