// SPDX-License-Identifier: MIT
//
// TaskFilterProxy: the Tasks tab's filter words.
//
// Design considerations
// - The words are the filter's whole state: the field shows them, so a filter set by a click on
//   the Overview reads back as text a person can change or clear, and nothing is filtered that
//   the field does not say.
// - Values may be quoted ("phase:\"build and test\"") since phase ids are the run's own words.
// - A phrase with no field name keeps the old behaviour: a case-insensitive substring of any
//   column.
// Thread: GUI thread.

#include "taskfilter.h"

#include "taskmodel.h"

namespace runboard {

namespace {

// Splits on spaces outside double quotes; the quotes themselves are dropped.
QStringList splitWords(const QString &text)
{
    QStringList words;
    QString word;
    bool quoted = false;
    bool any = false;
    for (const QChar c : text) {
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            any = true;
        } else if (c.isSpace() && !quoted) {
            if (any)
                words << word;
            word.clear();
            any = false;
        } else {
            word += c;
            any = true;
        }
    }
    if (any)
        words << word;
    return words;
}

QString quotedIfNeeded(const QString &value)
{
    return value.isEmpty() || value.contains(QLatin1Char(' '))
               ? QLatin1Char('"') + value + QLatin1Char('"')
               : value;
}

} // namespace

TaskFilterProxy::TaskFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

QString TaskFilterProxy::filterWords(const QString &phase, const QString &status)
{
    QStringList words;
    if (!phase.isNull())
        words << QStringLiteral("phase:") + quotedIfNeeded(phase);
    if (!status.isNull())
        words << QStringLiteral("status:") + quotedIfNeeded(status);
    return words.join(QLatin1Char(' '));
}

void TaskFilterProxy::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    QList<Exact> exact;
    QStringList phrase;
    static const struct
    {
        QLatin1String prefix;
        int column;
    } kFields[] = {
        {QLatin1String("status:"), TaskModel::Status},
        {QLatin1String("phase:"), TaskModel::Phase},
        {QLatin1String("assignee:"), TaskModel::Assignee},
    };
    for (const QString &word : splitWords(text)) {
        bool matched = false;
        for (const auto &field : kFields) {
            if (word.startsWith(field.prefix, Qt::CaseInsensitive)) {
                exact.append({field.column, word.mid(field.prefix.size())});
                matched = true;
                break;
            }
        }
        if (!matched)
            phrase << word;
    }
    m_exact = std::move(exact);
    m_phrase = phrase.join(QLatin1Char(' '));
    invalidateFilter();
}

bool TaskFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    for (const Exact &exact : m_exact) {
        const QString value = model->index(sourceRow, exact.column, sourceParent).data().toString();
        if (value.compare(exact.value, Qt::CaseInsensitive) != 0)
            return false;
    }
    if (m_phrase.isEmpty())
        return true;
    for (int column = 0; column < model->columnCount(sourceParent); ++column) {
        if (model->index(sourceRow, column, sourceParent)
                .data()
                .toString()
                .contains(m_phrase, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace runboard
