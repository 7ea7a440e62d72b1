// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>
#include <QString>

namespace runboard {

// The Tasks tab's filter. The text is words, as a person types them into the filter field:
// `status:review`, `phase:build` and `assignee:worker-2` keep the tasks whose column holds
// exactly that value (case-insensitive; `status:` with nothing after it: no status); everything
// else is one phrase that some column must contain, as before. The Overview's status bars fill
// the field with such words, so what a click filters is visible and editable. GUI thread.
class TaskFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TaskFilterProxy(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }

    // The words that filter on `phase` and `status` (either may be null: not filtered),
    // quoted where a value holds a space.
    static QString filterWords(const QString &phase, const QString &status);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    struct Exact
    {
        int column = -1;
        QString value;
    };

    QString m_text;
    QList<Exact> m_exact;
    QString m_phrase;
};

} // namespace runboard
