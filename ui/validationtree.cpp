// SPDX-License-Identifier: MIT
//
// ValidationTree: validation steps, checklist items, runs and findings.
//
// Design considerations
// - Validation state changes rarely compared with tasks and heartbeats, so a plain QTreeWidget
//   rebuilt when /validationStrategy changes is enough; every other snapshot costs one string
//   comparison. Items carry a key path (step/item/run/finding ids) so expansion and the current
//   item survive a rebuild.
// - A checklist item whose step is missing from `steps` is listed under "Other checklist items"
//   rather than dropped: hand edits happen, and what is on disk must stay visible.
// Thread: GUI thread.

#include "validationtree.h"

#include "manifest.h"
#include "statusstyle.h"

#include <QGuiApplication>
#include <QHeaderView>
#include <QSet>

namespace runboard {

namespace {

void setTone(QTreeWidgetItem *item, int column, const QString &status)
{
    const StatusStyle::Tone tone = StatusStyle::toneFor(status);
    if (tone == StatusStyle::Tone::None)
        return;
    item->setForeground(column, StatusStyle::color(tone, QGuiApplication::palette()));
    item->setIcon(column, StatusStyle::icon(tone));
}

QTreeWidgetItem *addItem(QTreeWidgetItem *parent, const QString &key, const QString &name,
                         const QString &status, const QString &detail)
{
    auto *item = new QTreeWidgetItem(parent);
    const QString parentKey = parent->data(0, ValidationTree::kKeyRole).toString();
    item->setData(0, ValidationTree::kKeyRole,
                  parentKey.isEmpty() ? key : parentKey + QLatin1Char('/') + key);
    item->setText(ValidationTree::Name, name);
    item->setText(ValidationTree::Status, status);
    item->setText(ValidationTree::Detail, detail);
    if (!detail.isEmpty())
        item->setToolTip(ValidationTree::Detail, detail);
    setTone(item, ValidationTree::Status, status);
    return item;
}

} // namespace

ValidationTree::ValidationTree(QWidget *parent) : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({tr("Step / item"), tr("Status"), tr("Detail")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAccessibleName(tr("Validation"));
}

void ValidationTree::setDocument(std::shared_ptr<const Json> document)
{
    m_document = std::move(document);
    std::string text;
    if (m_document && m_document->is_object()) {
        const auto strategy = m_document->find("validationStrategy");
        if (strategy != m_document->end())
            text = strategy->dump();
    }
    if (text == m_strategyText && topLevelItemCount() > 0)
        return;
    m_strategyText = std::move(text);
    rebuild();
}

void ValidationTree::rebuild()
{
    QSet<QString> expanded;
    for (QTreeWidgetItemIterator it(this); *it; ++it) {
        if ((*it)->isExpanded())
            expanded.insert((*it)->data(0, kKeyRole).toString());
    }
    const QString current = currentItem() ? currentItem()->data(0, kKeyRole).toString() : QString();
    clear();
    if (!m_document)
        return;
    const Manifest manifest(m_document);
    const QList<Manifest::ValidationStep> steps = manifest.validationSteps();
    const QList<Manifest::ChecklistItem> checklist = manifest.checklist();

    QHash<QString, QTreeWidgetItem *> stepItems;
    for (const Manifest::ValidationStep &step : steps) {
        QString detail = step.prompt;
        if (!step.evidenceRequired.isEmpty())
            detail += tr(" (evidence: %1)").arg(step.evidenceRequired.join(QStringLiteral(", ")));
        QTreeWidgetItem *item
            = addItem(invisibleRootItem(), QStringLiteral("step:") + step.id,
                      tr("%1 — %2").arg(step.id, step.concern),
                      step.required ? tr("required, %1").arg(step.scope) : step.scope, detail);
        stepItems.insert(step.id, item);
    }
    QTreeWidgetItem *orphans = nullptr;
    for (const Manifest::ChecklistItem &entry : checklist) {
        QTreeWidgetItem *parent = stepItems.value(entry.stepId);
        if (!parent) {
            if (!orphans)
                orphans = addItem(invisibleRootItem(), QStringLiteral("orphans"),
                                  tr("Other checklist items"), QString(),
                                  tr("Checklist items whose step is not in the strategy"));
            parent = orphans;
        }
        QString latestStatus;
        for (const Manifest::ChecklistRun &run : entry.runs) {
            if (run.id == entry.latestRunId)
                latestStatus = run.status;
        }
        QTreeWidgetItem *itemNode = addItem(
            parent, QStringLiteral("item:") + entry.id,
            entry.taskId.isEmpty() ? entry.id : tr("%1 (task %2)").arg(entry.id, entry.taskId),
            latestStatus, tr("%n run(s)", nullptr, int(entry.runs.size())));
        for (const Manifest::ChecklistRun &run : entry.runs) {
            QString detail = tr("by %1, started %2")
                                 .arg(run.runBySessionId, StatusStyle::formatTime(run.startedAt));
            if (!run.notes.isEmpty())
                detail += QStringLiteral(" — ") + run.notes;
            QTreeWidgetItem *runNode
                = addItem(itemNode, QStringLiteral("run:") + run.id,
                          run.id == entry.latestRunId ? tr("%1 (latest)").arg(run.id) : run.id,
                          run.status, detail);
            for (const Manifest::Finding &finding : run.findings) {
                addItem(runNode, QStringLiteral("finding:") + finding.id, finding.title,
                        finding.severity,
                        finding.fix.isEmpty() ? finding.detail
                                              : finding.detail + tr(" Fix: ") + finding.fix);
            }
        }
    }

    for (QTreeWidgetItemIterator it(this); *it; ++it) {
        const QString key = (*it)->data(0, kKeyRole).toString();
        if (expanded.contains(key))
            (*it)->setExpanded(true);
        if (key == current)
            setCurrentItem(*it);
    }
    if (expanded.isEmpty() && current.isEmpty())
        expandToDepth(0);
    header()->resizeSection(Name, qMax(header()->sectionSize(Name), 220));
}

} // namespace runboard
