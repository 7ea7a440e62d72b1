// SPDX-License-Identifier: MIT
// ValidationModel: steps, checklist items, runs and findings as a tree that updates by key: a
// one-field change is one dataChanged, new runs and findings are insertions under their parent,
// and a view keeps its expansion and current node.

#include "uitestutil.h"
#include "validationmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>
#include <QTreeView>

using namespace runboard;
using namespace runboard::test;

namespace {

Json step(const std::string &id, const std::string &scope = "per_worker")
{
    return Json{{"id", id},
                {"concern", "reverify_changes"},
                {"scope", scope},
                {"required", true},
                {"prompt", "Re-read every touched file."},
                {"evidenceRequired", Json::array({"test_log"})}};
}

Json run(const std::string &id, const std::string &status, Json findings = Json::array())
{
    return Json{{"id", id},
                {"runBySessionId", "S-validator"},
                {"status", status},
                {"notes", "checked"},
                {"startedAt", "2026-07-22T09:00:00.000Z"},
                {"findings", std::move(findings)}};
}

Json finding(const std::string &id, const std::string &severity)
{
    return Json{{"id", id},
                {"severity", severity},
                {"title", "Missing error path"},
                {"detail", "The form does not say why."},
                {"fix", "Show the server's message."}};
}

Json item(const std::string &id, const std::string &stepId, const std::string &taskId, Json runs)
{
    Json out = {{"id", id}, {"stepId", stepId}, {"taskId", taskId}, {"runs", runs}};
    out["latestRunId"] = runs.empty() ? Json(nullptr) : runs.back().at("id");
    return out;
}

// Two steps; V-1 has two items (T-1 with a failed run and a finding, T-2 running), V-2 none.
Json manifest()
{
    Json doc = TempBundle::minimalManifest(QStringLiteral("R-1"));
    doc["validationStrategy"] = {
        {"steps", Json::array({step("V-1"), step("V-2", "mission_exit")})},
        {"checklist",
         Json::array(
             {item("C-1", "V-1", "T-1",
                   Json::array({run("r-1", "failed", Json::array({finding("F-1", "blocker")}))})),
              item("C-2", "V-1", "T-2", Json::array({run("r-2", "running")}))})}};
    return doc;
}

std::shared_ptr<const Json> shared(const Json &doc)
{
    return std::make_shared<const Json>(doc);
}

QString text(const QModelIndex &index, int column = ValidationModel::Name)
{
    return index.siblingAtColumn(column).data().toString();
}

} // namespace

class tst_ValidationModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsStepsItemsRunsAndFindings();
    void oneRunPassingIsOneDataChanged();
    void aNewRunIsOneInsertionUnderItsItem();
    void removedItemsAreRemovedAndOthersKeepTheirIndexes();
    void reorderedStepsAreALayoutChange();
    void sameStrategyEmitsNothing();
    void itemsOfAnUnknownStepAreKept();
    void duplicateIdsStayDistinct();
    void aViewKeepsExpansionAndCurrentNode();
    void highlightMarksChangedNodes();
    void clearIsAReset();
};

void tst_ValidationModel::showsStepsItemsRunsAndFindings()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(shared(manifest()));
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex v1 = model.index(0, 0);
    QCOMPARE(text(v1), QStringLiteral("V-1 — reverify_changes"));
    QCOMPARE(text(v1, ValidationModel::Status), QStringLiteral("required, per_worker"));
    QVERIFY(
        !v1.siblingAtColumn(ValidationModel::Status).data(Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(model.rowCount(v1), 2);
    const QModelIndex c1 = model.index(0, 0, v1);
    QCOMPARE(text(c1), QStringLiteral("C-1 (task T-1)"));
    QCOMPARE(text(c1, ValidationModel::Status), QStringLiteral("failed"));
    QCOMPARE(c1.siblingAtColumn(ValidationModel::Status).data(ValidationModel::ToneRole).toInt(),
             int(StatusStyle::Tone::Bad));
    const QModelIndex r1 = model.index(0, 0, c1);
    QCOMPARE(text(r1), QStringLiteral("r-1 (latest)"));
    QCOMPARE(model.rowCount(r1), 1);
    const QModelIndex f1 = model.index(0, 0, r1);
    QCOMPARE(text(f1), QStringLiteral("Missing error path"));
    QCOMPARE(text(f1, ValidationModel::Status), QStringLiteral("blocker"));
    QVERIFY(text(f1, ValidationModel::Detail).contains(QStringLiteral("Show the server's")));
    QCOMPARE(f1.data(ValidationModel::KindRole).toInt(), int(ValidationModel::Kind::Finding));
    QCOMPARE(f1.data(ValidationModel::KeyRole).toString(),
             QStringLiteral("step:V-1/item:C-1/run:r-1/finding:F-1"));
    QCOMPARE(model.indexOfKey(QStringLiteral("step:V-1/item:C-1/run:r-1/finding:F-1")), f1);
    QCOMPARE(model.parent(f1), r1);
    QCOMPARE(model.parent(v1), QModelIndex());
    QCOMPARE(model.rowCount(model.index(1, 0)), 0); // V-2: no items
}

void tst_ValidationModel::oneRunPassingIsOneDataChanged()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QPersistentModelIndex r2 = model.indexOfKey(QStringLiteral("step:V-1/item:C-2/run:r-2"));
    QVERIFY(r2.isValid());
    ModelSpies spies(&model);

    doc["validationStrategy"]["checklist"][1]["runs"][0]["status"] = "passed";
    model.setDocument(shared(doc));

    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.layout.count(), 0);
    // The run's status and its item's "latest status": one signal each, over the one column.
    QCOMPARE(spies.changed.count(), 2);
    for (const QList<QVariant> &signal : std::as_const(spies.changed)) {
        const auto topLeft = signal.at(0).value<QModelIndex>();
        const auto bottomRight = signal.at(1).value<QModelIndex>();
        QCOMPARE(topLeft.parent(), bottomRight.parent());
        QCOMPARE(topLeft.row(), bottomRight.row());
        QCOMPARE(topLeft.column(), int(ValidationModel::Status));
        QCOMPARE(bottomRight.column(), int(ValidationModel::Status));
    }
    QCOMPARE(text(r2, ValidationModel::Status), QStringLiteral("passed"));
    QCOMPARE(text(r2.parent(), ValidationModel::Status), QStringLiteral("passed"));
}

void tst_ValidationModel::aNewRunIsOneInsertionUnderItsItem()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QPersistentModelIndex c1 = model.indexOfKey(QStringLiteral("step:V-1/item:C-1"));
    ModelSpies spies(&model);

    Json &c1Json = doc["validationStrategy"]["checklist"][0];
    c1Json["runs"].push_back(run("r-3", "passed"));
    c1Json["latestRunId"] = "r-3";
    model.setDocument(shared(doc));

    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(spies.inserted.constFirst().at(0).value<QModelIndex>(), QModelIndex(c1));
    QCOMPARE(spies.inserted.constFirst().at(1).toInt(), 1);
    QCOMPARE(spies.inserted.constFirst().at(2).toInt(), 1);
    QCOMPARE(model.rowCount(c1), 2);
    QCOMPARE(text(model.index(1, 0, c1)), QStringLiteral("r-3 (latest)"));
    QCOMPARE(text(model.index(0, 0, c1)), QStringLiteral("r-1")); // no longer the latest
    QCOMPARE(text(c1, ValidationModel::Status), QStringLiteral("passed"));
}

void tst_ValidationModel::removedItemsAreRemovedAndOthersKeepTheirIndexes()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QPersistentModelIndex r2 = model.indexOfKey(QStringLiteral("step:V-1/item:C-2/run:r-2"));
    ModelSpies spies(&model);

    doc["validationStrategy"]["checklist"].erase(0);
    model.setDocument(shared(doc));

    QCOMPARE(spies.removed.count(), 1);
    QCOMPARE(spies.removed.constFirst().at(1).toInt(), 0);
    QCOMPARE(spies.removed.constFirst().at(2).toInt(), 0);
    QCOMPARE(spies.reset.count(), 0);
    QVERIFY(r2.isValid());
    QCOMPARE(r2.parent().row(), 0);
    QCOMPARE(text(r2.parent()), QStringLiteral("C-2 (task T-2)"));
}

void tst_ValidationModel::reorderedStepsAreALayoutChange()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QPersistentModelIndex v1 = model.indexOfKey(QStringLiteral("step:V-1"));
    const QPersistentModelIndex f1
        = model.indexOfKey(QStringLiteral("step:V-1/item:C-1/run:r-1/finding:F-1"));
    ModelSpies spies(&model);

    Json &steps = doc["validationStrategy"]["steps"];
    std::swap(steps[0], steps[1]);
    model.setDocument(shared(doc));

    QCOMPARE(spies.layout.count(), 1);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(v1.row(), 1);
    QCOMPARE(text(v1), QStringLiteral("V-1 — reverify_changes"));
    QVERIFY(f1.isValid());
    QCOMPARE(text(f1), QStringLiteral("Missing error path"));
    QCOMPARE(f1.parent().parent().parent(), QModelIndex(v1));
}

void tst_ValidationModel::sameStrategyEmitsNothing()
{
    ValidationModel model;
    Json doc = manifest();
    model.setDocument(shared(doc));
    ModelSpies spies(&model);
    doc["serverGeneration"] = 2; // another version, the same validation state
    model.setDocument(shared(doc));
    QCOMPARE(spies.changed.count() + spies.inserted.count() + spies.removed.count()
                 + spies.layout.count() + spies.reset.count(),
             0);
}

void tst_ValidationModel::itemsOfAnUnknownStepAreKept()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    doc["validationStrategy"]["checklist"].push_back(
        item("C-9", "V-gone", "T-9", Json::array({run("r-9", "passed")})));
    model.setDocument(shared(doc));
    QCOMPARE(model.rowCount(), 3);
    const QModelIndex other = model.index(2, 0);
    QCOMPARE(other.data(ValidationModel::KindRole).toInt(), int(ValidationModel::Kind::OtherItems));
    QCOMPARE(model.rowCount(other), 1);
    QCOMPARE(text(model.index(0, 0, other)), QStringLiteral("C-9 (task T-9)"));
    QVERIFY(model.index(0, 0, other)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("V-gone")));

    // The step appears: the item moves under it (out of the group, which goes).
    doc["validationStrategy"]["steps"].push_back(step("V-gone"));
    model.setDocument(shared(doc));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(text(model.index(2, 0)), QStringLiteral("V-gone — reverify_changes"));
    QCOMPARE(model.rowCount(model.index(2, 0)), 1);
}

void tst_ValidationModel::duplicateIdsStayDistinct()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Json doc = manifest();
    Json &runs = doc["validationStrategy"]["checklist"][1]["runs"];
    runs.push_back(run("r-2", "failed")); // a hand edit repeated the id
    model.setDocument(shared(doc));
    const QModelIndex c2 = model.indexOfKey(QStringLiteral("step:V-1/item:C-2"));
    QCOMPARE(model.rowCount(c2), 2);
    QVERIFY(model.index(0, 0, c2).data(ValidationModel::KeyRole)
            != model.index(1, 0, c2).data(ValidationModel::KeyRole));
    ModelSpies spies(&model);
    runs[1]["status"] = "passed";
    model.setDocument(shared(doc));
    // The second r-2 changed (and its item, whose latest run it is as the last one named so);
    // the first r-2 did not.
    QList<int> runRows;
    for (const QList<QVariant> &signal : std::as_const(spies.changed)) {
        const auto topLeft = signal.at(0).value<QModelIndex>();
        if (topLeft.parent() == c2)
            runRows << topLeft.row();
    }
    QCOMPARE(runRows, QList<int>({1}));
    QCOMPARE(spies.inserted.count() + spies.removed.count() + spies.reset.count(), 0);
}

void tst_ValidationModel::aViewKeepsExpansionAndCurrentNode()
{
    ValidationModel model;
    QTreeView view;
    view.setModel(&model);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QModelIndex c1 = model.indexOfKey(QStringLiteral("step:V-1/item:C-1"));
    view.expand(c1.parent());
    view.expand(c1);
    const QModelIndex r1 = model.indexOfKey(QStringLiteral("step:V-1/item:C-1/run:r-1"));
    view.setCurrentIndex(r1);

    doc["validationStrategy"]["checklist"][0]["runs"][0]["status"] = "passed";
    doc["validationStrategy"]["checklist"].push_back(
        item("C-3", "V-1", "T-3", Json::array({run("r-4", "running")})));
    model.setDocument(shared(doc));

    QVERIFY(view.isExpanded(model.indexOfKey(QStringLiteral("step:V-1"))));
    QVERIFY(view.isExpanded(model.indexOfKey(QStringLiteral("step:V-1/item:C-1"))));
    QCOMPARE(view.currentIndex().data(ValidationModel::KeyRole).toString(),
             QStringLiteral("step:V-1/item:C-1/run:r-1"));
    QCOMPARE(text(view.currentIndex(), ValidationModel::Status), QStringLiteral("passed"));
}

void tst_ValidationModel::highlightMarksChangedNodes()
{
    ValidationModel model;
    model.setHighlightChanges(true);
    Json doc = manifest();
    model.setDocument(shared(doc));
    const QModelIndex r2 = model.indexOfKey(QStringLiteral("step:V-1/item:C-2/run:r-2"));
    QVERIFY(!model.isHighlighted(r2)); // the first fill is not a change
    doc["validationStrategy"]["checklist"][1]["runs"][0]["status"] = "passed";
    model.setDocument(shared(doc));
    QVERIFY(model.isHighlighted(r2));
    QVERIFY(!model.isHighlighted(model.indexOfKey(QStringLiteral("step:V-1/item:C-1"))));
    QVERIFY(r2.data(Qt::BackgroundRole).value<QColor>().isValid());
    QTRY_VERIFY_WITH_TIMEOUT(!model.isHighlighted(r2), 5000);
    QVERIFY(!r2.data(Qt::BackgroundRole).isValid());
}

void tst_ValidationModel::clearIsAReset()
{
    ValidationModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(shared(manifest()));
    ModelSpies spies(&model);
    model.clear();
    QCOMPARE(spies.reset.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    model.setDocument(shared(manifest()));
    QCOMPARE(model.rowCount(), 2);
}

QTEST_MAIN(tst_ValidationModel)
#include "tst_validationmodel.moc"
