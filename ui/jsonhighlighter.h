// SPDX-License-Identifier: MIT
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace runboard {

// Colours JSON text: member names, strings, numbers, true/false/null and punctuation, with
// colours taken from the palette so light and dark themes both read. Strings may not span lines
// in JSON, so each block is highlighted on its own. GUI thread.
class JsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit JsonHighlighter(QTextDocument *document);

    // Recomputes the colours for `palette` (call on a palette change).
    void setPalette(const QPalette &palette);

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_literal;
    QTextCharFormat m_punctuation;
};

} // namespace runboard
