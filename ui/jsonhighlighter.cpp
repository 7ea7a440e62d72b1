// SPDX-License-Identifier: MIT
//
// JsonHighlighter: a one-pass scanner per line, no regular expressions. A string followed
// (after spaces) by ':' is a member name. Colours are StatusStyle tones derived from the palette,
// which keep their contrast against the editor's background in light and dark themes.
// Thread: GUI thread.

#include "jsonhighlighter.h"

#include "statusstyle.h"

#include <QGuiApplication>
#include <QPalette>

namespace runboard {

JsonHighlighter::JsonHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    setPalette(QGuiApplication::palette());
}

void JsonHighlighter::setPalette(const QPalette &palette)
{
    const auto tone = [&palette](StatusStyle::Tone t) {
        return StatusStyle::color(t, palette);
    };
    m_key.setForeground(tone(StatusStyle::Tone::Active));
    m_key.setFontWeight(QFont::DemiBold);
    m_string.setForeground(tone(StatusStyle::Tone::Good));
    m_number.setForeground(tone(StatusStyle::Tone::Warning));
    m_literal.setForeground(tone(StatusStyle::Tone::Bad));
    m_punctuation.setForeground(palette.color(QPalette::PlaceholderText));
    rehighlight();
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    const qsizetype size = text.size();
    qsizetype i = 0;
    while (i < size) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"')) {
            qsizetype end = i + 1;
            while (end < size && text.at(end) != QLatin1Char('"'))
                end += text.at(end) == QLatin1Char('\\') ? 2 : 1;
            end = qMin(end + 1, size);
            qsizetype next = end;
            while (next < size && text.at(next).isSpace())
                ++next;
            const bool key = next < size && text.at(next) == QLatin1Char(':');
            setFormat(int(i), int(end - i), key ? m_key : m_string);
            i = end;
        } else if (c.isDigit() || c == QLatin1Char('-')) {
            qsizetype end = i + 1;
            while (end < size
                   && (text.at(end).isDigit() || QStringView(u".eE+-").contains(text.at(end))))
                ++end;
            setFormat(int(i), int(end - i), m_number);
            i = end;
        } else if (c.isLetter()) {
            qsizetype end = i + 1;
            while (end < size && text.at(end).isLetter())
                ++end;
            setFormat(int(i), int(end - i), m_literal);
            i = end;
        } else {
            if (QStringView(u"[]{}:,").contains(c))
                setFormat(int(i), 1, m_punctuation);
            ++i;
        }
    }
}

} // namespace runboard
