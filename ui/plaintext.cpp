// SPDX-License-Identifier: MIT
//
// plainToolTip: see the header. Escaped text inside <qt>…</qt> is rich text whose only content
// is characters, so QToolTip shows exactly what the agent wrote; white-space:pre-wrap keeps its
// line breaks. Thread: any (pure function).

#include "plaintext.h"

#include <QTextDocument>

namespace runboard {

QString plainToolTip(const QString &text)
{
    if (!Qt::mightBeRichText(text))
        return text;
    return QStringLiteral("<qt><p style=\"white-space:pre-wrap\">") + text.toHtmlEscaped()
           + QStringLiteral("</p></qt>");
}

} // namespace runboard
