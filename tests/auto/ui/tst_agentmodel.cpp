// SPDX-License-Identifier: MIT
// AgentModel: keyed by sessionId; heartbeat ages tick in their own column; stalls.

#include "agentmodel.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

Json agentJson(const std::string &session, const std::string &role, const std::string &status,
               const std::string &heartbeat = std::string())
{
    Json agent = {{"sessionId", session},
                  {"role", role},
                  {"goalSummary", "Work"},
                  {"status", status},
                  {"spawnedAt", "2026-07-22T09:59:00.000Z"}};
    if (!heartbeat.empty())
        agent["lastHeartbeatAt"] = heartbeat;
    return agent;
}

Json withAgents(std::initializer_list<Json> agents)
{
    Json manifest = TempBundle::minimalManifest(QStringLiteral("R-1"));
    manifest["agents"] = Json::array();
    for (const Json &agent : agents)
        manifest["agents"].push_back(agent);
    return manifest;
}

} // namespace

class tst_AgentModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsAgents();
    void oneFieldChangeIsOneDataChanged();
    void heartbeatTicksOnlyItsColumn();
    void heartbeatsJsonCounts();
    void stallStartsByTheClock();
    void insertAndRemove();
    void usageIsAbbreviatedWithATooltip();
};

void tst_AgentModel::showsAgents()
{
    AgentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json worker = agentJson("S-w", "worker", "running", "2026-07-22T09:59:50.000Z");
    worker["tag"] = "web-ui";
    worker["currentStepId"] = "T-1";
    model.setSnapshot(snapshotOf(withAgents({agentJson("S-lead", "lead", "running"), worker}), 1),
                      fixedNow());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, AgentModel::Session).data().toString(), QStringLiteral("S-w"));
    QCOMPARE(model.index(1, AgentModel::Tag).data().toString(), QStringLiteral("web-ui"));
    QCOMPARE(model.index(1, AgentModel::CurrentTask).data().toString(), QStringLiteral("T-1"));
    QCOMPARE(model.index(1, AgentModel::Heartbeat).data().toString(), QStringLiteral("10 s ago"));
    QCOMPARE(model.index(0, AgentModel::Heartbeat).data().toString(), QStringLiteral("never"));
    QCOMPARE(model.index(1, AgentModel::Stalled).data().toString(), QString());
}

void tst_AgentModel::oneFieldChangeIsOneDataChanged()
{
    AgentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json manifest
        = withAgents({agentJson("S-lead", "lead", "running"), agentJson("S-a", "worker", "running"),
                      agentJson("S-b", "worker", "running")});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    ModelSpies spies(&model);
    manifest["agents"][2]["status"] = "completed";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(spies.changed.constFirst().at(0).value<QModelIndex>(),
             model.index(2, AgentModel::Status));
    QCOMPARE(spies.changed.constFirst().at(1).value<QModelIndex>(),
             model.index(2, AgentModel::Status));
}

void tst_AgentModel::heartbeatTicksOnlyItsColumn()
{
    AgentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(
        snapshotOf(withAgents({agentJson("S-lead", "lead", "running"),
                               agentJson("S-a", "worker", "running", "2026-07-22T09:59:58.000Z"),
                               agentJson("S-b", "worker", "running", "2026-07-22T09:59:59.000Z")}),
                   1),
        fixedNow());
    ModelSpies spies(&model);
    model.setNow(fixedNow().addSecs(1));
    QCOMPARE(spies.reset.count(), 0);
    // Neighbouring rows with the same changed column come as one signal for that column.
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(spies.changed.constFirst().at(0).value<QModelIndex>(),
             model.index(1, AgentModel::Heartbeat));
    QCOMPARE(spies.changed.constFirst().at(1).value<QModelIndex>(),
             model.index(2, AgentModel::Heartbeat));
    QCOMPARE(model.index(1, AgentModel::Heartbeat).data().toString(), QStringLiteral("3 s ago"));
}

void tst_AgentModel::heartbeatsJsonCounts()
{
    AgentModel model;
    const Json heartbeats = {{"S-a", "2026-07-22T09:59:55.000Z"}};
    model.setSnapshot(
        snapshotOf(withAgents({agentJson("S-lead", "lead", "running"),
                               agentJson("S-a", "worker", "running", "2026-07-22T09:00:00.000Z")}),
                   1, Snapshot::Source::External, heartbeats),
        fixedNow());
    QCOMPARE(model.index(1, AgentModel::Heartbeat).data().toString(), QStringLiteral("5 s ago"));
}

void tst_AgentModel::stallStartsByTheClock()
{
    AgentModel model;
    model.setSnapshot(
        snapshotOf(withAgents({agentJson("S-lead", "lead", "running"),
                               agentJson("S-a", "worker", "running", "2026-07-22T09:55:00.000Z")}),
                   1),
        fixedNow());
    QCOMPARE(model.index(1, AgentModel::Stalled).data().toString(), QString());
    model.setNow(fixedNow().addSecs(11 * 60)); // 12 min after the spawn, the later liveness
    QCOMPARE(model.index(1, AgentModel::Stalled).data().toString(), QStringLiteral("stalled"));
    QVERIFY(model.index(1, AgentModel::Stalled)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("12 min")));
    // The lead is never stalled by the clock.
    QCOMPARE(model.index(0, AgentModel::Stalled).data().toString(), QString());
}

void tst_AgentModel::insertAndRemove()
{
    AgentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(withAgents({agentJson("S-lead", "lead", "running")}), 1),
                      fixedNow());
    ModelSpies spies(&model);
    model.setSnapshot(snapshotOf(withAgents({agentJson("S-lead", "lead", "running"),
                                             agentJson("S-new", "validator", "pending")}),
                                 2),
                      fixedNow());
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(spies.changed.count(), 0);
    model.setSnapshot(snapshotOf(withAgents({agentJson("S-new", "validator", "pending")}), 3),
                      fixedNow());
    QCOMPARE(spies.removed.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(spies.reset.count(), 0);
}

void tst_AgentModel::usageIsAbbreviatedWithATooltip()
{
    AgentModel model;
    Json agent = agentJson("S-a", "worker", "running");
    agent["usage"] = {{"tokensIn", 12000}, {"tokensOut", 3400}, {"costUsd", 0.4213}, {"turns", 7}};
    model.setSnapshot(snapshotOf(withAgents({agent}), 1), fixedNow());
    const QString shown = model.index(0, AgentModel::Usage).data().toString();
    QVERIFY2(shown.contains(QStringLiteral("15k tok")), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("$0.42")));
    QVERIFY(shown.contains(QStringLiteral("7 turn")));
    const QString tip = model.index(0, AgentModel::Usage).data(Qt::ToolTipRole).toString();
    QVERIFY(tip.contains(QStringLiteral("0.4213")));
    QCOMPARE(model.index(0, AgentModel::Usage).data(RowModel::SortRole).toLongLong(), 15400);
}

QTEST_MAIN(tst_AgentModel)
#include "tst_agentmodel.moc"
