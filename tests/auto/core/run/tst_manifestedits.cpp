// SPDX-License-Identifier: MIT
//
// ManifestEdits against a copy of the run ADE wrote (tests/data/ade-worktree): every guided
// edit is committed through ManifestStore as the user role, and the file on disk must differ
// from its base in exactly the intended values plus the commit's bookkeeping. statusChoices is
// held against PatchPolicy::check, and undo (inverse) against unrelated and conflicting changes
// by another writer.

#include "clock.h"
#include "json.h"
#include "jsonpatch.h"
#include "manifestedits.h"
#include "manifeststore.h"
#include "patchpolicy.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QCryptographicHash>
#include <QtTest>

#include <functional>

using namespace runboard;
using namespace runboard::test;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 12, 3), QTime(12, 1, 3, 250), Qt::UTC);
const QString kSession = QStringLiteral("user:ana@box");

ManifestEdits::Context context()
{
    return ManifestEdits::Context{kSession, kNow, 0xabc123};
}

// The manifest without the members every commit rewrites.
Json withoutBookkeeping(Json manifest)
{
    for (const char *name : {"etag", "serverGeneration", "updatedAt", "history"})
        manifest.erase(name);
    return manifest;
}

Json task(const Json &manifest, const char *id)
{
    for (const Json &entry : manifest.at("tasks")) {
        if (entry.at("id") == id)
            return entry;
    }
    return Json();
}

Json agent(const Json &manifest, const char *id)
{
    for (const Json &entry : manifest.at("agents")) {
        if (entry.at("sessionId") == id)
            return entry;
    }
    return Json();
}

// A copy of the ADE fixture, the store on it and the manifest on disk.
struct Run
{
    Run()
        : bundle(TempBundle::copyOfWorktree(adeFixtureWorktree())),
          store(ManifestStore::locate(bundle.bundlePath()).value(), [] { return kNow; })
    {}

    Json manifest() const { return bundle.readManifest(); }

    // Commits ops as the user, with the history words the window writes.
    Result<ManifestStore::Committed> commit(const Json &ops, const QString &summary = QString())
    {
        ManifestStore::PatchRequest request;
        request.ifMatchEtag = QString::fromStdString(manifest().at("etag").get<std::string>());
        request.operations = ops;
        request.actor = Actor{ActorRole::User, QString()};
        request.summary = summary.isEmpty() ? QString() : kSession + QStringLiteral(": ") + summary;
        return store.commit(request);
    }

    // Another writer (here a lead through the same protocol) changes something.
    void otherWriter(const char *ops)
    {
        ManifestStore::PatchRequest request;
        request.ifMatchEtag = QString::fromStdString(manifest().at("etag").get<std::string>());
        request.operations = Json::parse(ops);
        request.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
        QVERIFY(store.commit(request).isOk());
    }

    TempBundle bundle;
    ManifestStore store;
};

} // namespace

class tst_ManifestEdits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachEditChangesExactlyWhatItSays_data();
    void eachEditChangesExactlyWhatItSays();
    void statusChoicesAgreeWithThePolicy();
    void doneWithoutTheGateIsRefusedButTheOverridePasses();
    void editsSayWhenThereIsNothingToDo_data();
    void editsSayWhenThereIsNothingToDo();
    void planApprovalNeedsAPlanWaitingForIt();
    void undoPutsBackWhatTheCommitChanged_data();
    void undoPutsBackWhatTheCommitChanged();
    void undoKeepsUnrelatedChangesOfOthers();
    void undoRefusesWhenSomeoneChangedTheSameValue();
    void undoOfARemovedTaskBringsItBackByItsId();
    void newIdsHaveAdesForm();
};

using Build = std::function<Result<ManifestEdit>(const Json &)>;
using Expect = std::function<void(Json &)>; // turns the base into the expected result
Q_DECLARE_METATYPE(Build)
Q_DECLARE_METATYPE(Expect)

void tst_ManifestEdits::eachEditChangesExactlyWhatItSays_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<Expect>("expect");
    QTest::addColumn<QString>("summary");

    QTest::newRow("status") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T-2")},
                                            QStringLiteral("in_progress"));
    }) << Expect([](Json &m) { m["tasks"][1]["status"] = "in_progress"; })
                            << QStringLiteral("T-2 status → in_progress");
    QTest::newRow("status of two tasks") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T-2"), QStringLiteral("T-3")},
                                            QStringLiteral("review"));
    }) << Expect([](Json &m) {
        m["tasks"][1]["status"] = "review";
        m["tasks"][2]["status"] = "review";
    }) << QStringLiteral("T-2, T-3 status → review");
    QTest::newRow("done with override") << Build([](const Json &m) {
        return ManifestEdits::markDoneWithOverride(
            m, QStringLiteral("T-1"), QStringLiteral("tests verified by hand"), context());
    }) << Expect([](Json &m) {
        Json &t = m["tasks"][0];
        t["status"] = "done";
        t["humanOverride"] = Json{{"byUserId", "user:ana@box"},
                                  {"at", "2026-12-03T12:01:03.250Z"},
                                  {"fromStatus", "in_progress"},
                                  {"toStatus", "done"},
                                  {"reason", "tests verified by hand"}};
        m["userOverrides"].push_back(
            Json{{"id", "O-1796299263250-abc123"},
                 {"at", "2026-12-03T12:01:03.250Z"},
                 {"scope", "task"},
                 {"appliedToId", "T-1"},
                 {"instruction", "Mark T-1 done past its validation gate: tests verified by hand"},
                 {"affectedDefault", "validationGate"}});
    }) << QStringLiteral("T-1 status → done (override: tests verified by hand)");
    QTest::newRow("reassign") << Build([](const Json &m) {
        return ManifestEdits::reassignTask(m, QStringLiteral("T-1"),
                                           QStringLiteral("S-validator-1"), context());
    }) << Expect([](Json &m) {
        Json &t = m["tasks"][0];
        t["assigneeSessionId"] = "S-validator-1";
        t["claimedAt"] = "2026-12-03T12:01:03.250Z";
        t["claimLeaseUntil"] = nullptr;
    }) << QStringLiteral("T-1 assignee → S-validator-1");
    QTest::newRow("release") << Build([](const Json &m) {
        return ManifestEdits::releaseTasks(m, {QStringLiteral("T-1"), QStringLiteral("T-2")});
    }) << Expect([](Json &m) {
        Json &t = m["tasks"][0];
        t["status"] = "pending";
        t.erase("assigneeSessionId");
        t.erase("claimedAt");
        t.erase("claimLeaseUntil");
    }) << QStringLiteral("T-1 released");
    QTest::newRow("edit task") << Build([](const Json &m) {
        return ManifestEdits::editTask(m, QStringLiteral("T-2"),
                                       {QStringLiteral("Session cookie <b>x</b>"),
                                        QStringLiteral("Persist it\nsecurely"),
                                        QStringLiteral("critical")});
    }) << Expect([](Json &m) {
        Json &t = m["tasks"][1];
        t["title"] = "Session cookie <b>x</b>";
        t["description"] = "Persist it\nsecurely";
        t["priority"] = "critical";
    }) << QStringLiteral("T-2 title, description, priority edited");
    QTest::newRow("remove a priority") << Build([](const Json &m) {
        return ManifestEdits::editTask(m, QStringLiteral("T-1"),
                                       {QStringLiteral("Login form UI"),
                                        QString::fromUtf8("Form, validation, submit wiring "
                                                          "— é✓ \"quoted\""),
                                        QString()});
    }) << Expect([](Json &m) { m["tasks"][0].erase("priority"); })
                                       << QStringLiteral("T-1 priority edited");
    QTest::newRow("cancellation") << Build([](const Json &m) {
        return ManifestEdits::requestCancellation(m, QStringLiteral("S-worker-1"));
    }) << Expect([](Json &m) { m["agents"][1]["cancellationRequested"] = true; })
                                  << QStringLiteral("S-worker-1 cancellation requested");
    QTest::newRow("approve plan") << Build([](const Json &m) {
        return ManifestEdits::approvePlan(m, "# Plan\n", context());
    }) << Expect([](Json &m) {
        const char *at = "2026-12-03T12:01:03.250Z";
        Json &approval = m["planSpec"]["approval"];
        approval["state"] = "approved";
        approval["approvedAt"] = at;
        approval["approvedBySessionId"] = "user:ana@box";
        approval["approvedPlanContentHash"]
            = QCryptographicHash::hash("# Plan\n", QCryptographicHash::Sha256)
                  .toHex()
                  .toStdString();
        m["leadState"]["planApprovedAt"] = at;
        m["leadState"]["planApprovedBySessionId"] = "user:ana@box";
        m["currentPhase"] = "developing";
        m["phases"][0]["status"] = "done";
        m["phases"][0]["completedAt"] = at;
        m["phases"][1]["status"] = "active";
        m["phases"][1]["startedAt"] = at;
    }) << QStringLiteral("plan approved; phase planning → developing");
    QTest::newRow("decision") << Build([](const Json &m) {
        return ManifestEdits::recordDecision(m, QStringLiteral("  Ship without SSO  "),
                                             {QStringLiteral("T-1"), QString(), QString()},
                                             context());
    }) << Expect([](Json &m) {
        m["decisions"].push_back(Json{{"id", "D-1796299263250-abc123"},
                                      {"at", "2026-12-03T12:01:03.250Z"},
                                      {"source", "user"},
                                      {"summary", "Ship without SSO"},
                                      {"refs", {{"taskId", "T-1"}}}});
    }) << QStringLiteral("decision recorded: Ship without SSO");
    QTest::newRow("run details") << Build([](const Json &m) {
        return ManifestEdits::editRunDetails(m, QStringLiteral("Login, v2"),
                                             QStringLiteral("Passwordless too"));
    }) << Expect([](Json &m) {
        m["title"] = "Login, v2";
        m["goalSummary"] = "Passwordless too";
    }) << QStringLiteral("run title, goal edited");
}

void tst_ManifestEdits::eachEditChangesExactlyWhatItSays()
{
    QFETCH(Build, build);
    QFETCH(Expect, expect);
    QFETCH(QString, summary);

    Run run;
    QVERIFY(run.bundle.isValid());
    const Json base = run.manifest();
    const Result<ManifestEdit> edit = build(base);
    RUNBOARD_VERIFY_OK(edit);
    QCOMPARE(edit->summary, summary);
    QVERIFY(!edit->title.isEmpty());

    const Result<ManifestStore::Committed> committed = run.commit(edit->operations, edit->summary);
    RUNBOARD_VERIFY_OK(committed);
    QVERIFY(committed->written);

    Json expected = withoutBookkeeping(base);
    expect(expected);
    const Json onDisk = run.manifest();
    QCOMPARE(QString::fromStdString(withoutBookkeeping(onDisk).dump(2)),
             QString::fromStdString(expected.dump(2)));
    // The history entry says who and what, as ADE's manifestPatch writes it.
    const Json &entry = onDisk.at("history").back();
    QCOMPARE(entry.at("summary"), Json("patch"));
    QCOMPARE(QString::fromStdString(entry.at("patchKindSummary").get<std::string>()),
             kSession + QStringLiteral(": ") + summary);
    QCOMPARE(onDisk.at("serverGeneration"), Json(base.at("serverGeneration").get<int>() + 1));
}

void tst_ManifestEdits::statusChoicesAgreeWithThePolicy()
{
    Run run;
    // A second variant: T-2's step has a passed run, so its gate is satisfied.
    Json satisfied = run.manifest();
    satisfied["validationStrategy"]["checklist"] = Json::parse(R"([{
        "id": "C-T-2-V-1", "stepId": "V-1", "taskId": "T-2", "latestRunId": "r-1",
        "runs": [{"id": "r-1", "runBySessionId": "S-validator-1", "status": "passed",
                  "startedAt": "2026-11-24T10:55:00.000Z"}]}])");
    for (const Json &manifest : {run.manifest(), satisfied}) {
        for (const char *id : {"T-1", "T-2", "T-3"}) {
            const QList<ManifestEdits::StatusChoice> choices
                = ManifestEdits::statusChoices(manifest, QString::fromLatin1(id));
            QCOMPARE(choices.size(), ManifestEdits::taskStatuses().size());
            for (const ManifestEdits::StatusChoice &choice : choices) {
                const QString current
                    = QString::fromStdString(task(manifest, id).at("status").get<std::string>());
                if (choice.status == current) {
                    QVERIFY(!choice.allowed);
                    continue;
                }
                const Json ops
                    = Json::array({{{"op", "replace"},
                                    {"path", std::string("/tasks/{id:") + id + "}/status"},
                                    {"value", choice.status.toStdString()}}});
                const JsonPatch patch = JsonPatch::fromJson(ops).value();
                const Json result = patch.apply(manifest).value();
                const Result<void> policy = PatchPolicy::check(manifest, patch, result,
                                                               Actor{ActorRole::User, QString()});
                QVERIFY2(policy.isOk() == choice.allowed,
                         qPrintable(QStringLiteral("%1 → %2: policy %3, choice %4 (%5)")
                                        .arg(QLatin1String(id), choice.status)
                                        .arg(policy.isOk())
                                        .arg(choice.allowed)
                                        .arg(choice.reason)));
                QCOMPARE(choice.reason.isEmpty(), choice.allowed);
            }
        }
    }
    // The reason names the gate's steps.
    const QList<ManifestEdits::StatusChoice> t1
        = ManifestEdits::statusChoices(run.manifest(), QStringLiteral("T-1"));
    QVERIFY(t1.at(4).reason.contains(QStringLiteral("V-1")));
}

void tst_ManifestEdits::doneWithoutTheGateIsRefusedButTheOverridePasses()
{
    Run run;
    const Json base = run.manifest();
    const Result<ManifestEdit> plain
        = ManifestEdits::setTaskStatus(base, {QStringLiteral("T-1")}, QStringLiteral("done"));
    RUNBOARD_VERIFY_OK(plain);
    const QByteArray before = run.bundle.readFile(QStringLiteral("manifest.json"));
    const Result<ManifestStore::Committed> refused = run.commit(plain->operations);
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(run.bundle.readFile(QStringLiteral("manifest.json")), before);

    const Result<ManifestEdit> overridden = ManifestEdits::markDoneWithOverride(
        base, QStringLiteral("T-1"), QStringLiteral("checked by hand"), context());
    RUNBOARD_VERIFY_OK(overridden);
    RUNBOARD_VERIFY_OK(run.commit(overridden->operations));
    QCOMPARE(task(run.manifest(), "T-1").at("status"), Json("done"));
}

void tst_ManifestEdits::editsSayWhenThereIsNothingToDo_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("words");
    QTest::newRow("unknown task") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T-9")}, QStringLiteral("done"));
    }) << ErrorCode::NotFound << QStringLiteral("no task T-9");
    QTest::newRow("same status") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T-2")}, QStringLiteral("pending"));
    }) << ErrorCode::InvalidPatch << QStringLiteral("already pending");
    QTest::newRow("not a status") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T-2")}, QStringLiteral("finished"));
    }) << ErrorCode::InvalidPatch << QStringLiteral("not a task status");
    QTest::newRow("override without reason") << Build([](const Json &m) {
        return ManifestEdits::markDoneWithOverride(m, QStringLiteral("T-1"), QStringLiteral("  "),
                                                   context());
    }) << ErrorCode::InvalidPatch << QStringLiteral("needs a reason");
    QTest::newRow("release an unclaimed task") << Build([](const Json &m) {
        return ManifestEdits::releaseTasks(m, {QStringLiteral("T-2")});
    }) << ErrorCode::InvalidPatch << QStringLiteral("not claimed");
    QTest::newRow("reassign to an unknown agent") << Build([](const Json &m) {
        return ManifestEdits::reassignTask(m, QStringLiteral("T-2"), QStringLiteral("S-ghost"),
                                           context());
    }) << ErrorCode::NotFound << QStringLiteral("no agent S-ghost");
    QTest::newRow("untitled task") << Build([](const Json &m) {
        return ManifestEdits::editTask(m, QStringLiteral("T-2"), {});
    }) << ErrorCode::InvalidPatch << QStringLiteral("needs a title");
    QTest::newRow("bad priority") << Build([](const Json &m) {
        return ManifestEdits::editTask(
            m, QStringLiteral("T-2"),
            {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("urgent")});
    }) << ErrorCode::InvalidPatch << QStringLiteral("not a priority");
    QTest::newRow("empty decision") << Build([](const Json &m) {
        return ManifestEdits::recordDecision(m, QString(), {}, context());
    }) << ErrorCode::InvalidPatch << QStringLiteral("needs a summary");
    QTest::newRow("predicate syntax in an id") << Build([](const Json &m) {
        return ManifestEdits::setTaskStatus(m, {QStringLiteral("T}")}, QStringLiteral("done"));
    }) << ErrorCode::NotFound << QStringLiteral("cannot be addressed");
}

void tst_ManifestEdits::editsSayWhenThereIsNothingToDo()
{
    QFETCH(Build, build);
    QFETCH(ErrorCode, code);
    QFETCH(QString, words);
    Run run;
    const Result<ManifestEdit> edit = build(run.manifest());
    QVERIFY(!edit.isOk());
    QCOMPARE(edit.error().code, code);
    QVERIFY2(edit.error().message.contains(words), qPrintable(edit.error().message));
}

void tst_ManifestEdits::planApprovalNeedsAPlanWaitingForIt()
{
    Run run;
    Json manifest = run.manifest();
    QVERIFY(ManifestEdits::planNeedsApproval(manifest));
    manifest["planSpec"]["approval"]["state"] = "approved";
    QVERIFY(!ManifestEdits::planNeedsApproval(manifest));
    manifest = run.manifest();
    manifest["leadState"]["planApprovedAt"] = "2026-11-24T11:00:00.000Z";
    QVERIFY(!ManifestEdits::planNeedsApproval(manifest));
    manifest = run.manifest();
    manifest["currentPhase"] = "developing";
    QVERIFY(!ManifestEdits::planNeedsApproval(manifest));
    QCOMPARE(ManifestEdits::approvePlan(manifest, {}, context()).error().code,
             ErrorCode::InvalidPatch);
}

void tst_ManifestEdits::undoPutsBackWhatTheCommitChanged_data()
{
    eachEditChangesExactlyWhatItSays_data();
}

void tst_ManifestEdits::undoPutsBackWhatTheCommitChanged()
{
    QFETCH(Build, build);
    Run run;
    const Json before = run.manifest();
    const Result<ManifestEdit> edit = build(before);
    RUNBOARD_VERIFY_OK(edit);
    RUNBOARD_VERIFY_OK(run.commit(edit->operations));
    const Json after = run.manifest();

    const Json undo = ManifestEdits::inverse(before, after);
    QVERIFY(!undo.empty());
    // Every value put back is guarded by a test, and tests come first.
    bool changes = false;
    for (const Json &op : undo) {
        if (op.at("op") == "test")
            QVERIFY2(!changes, "a test after a change");
        else
            changes = true;
        QVERIFY2(op.at("path").get<std::string>().rfind("/history", 0) != 0, "undo of history");
    }
    RUNBOARD_VERIFY_OK(run.commit(undo, QStringLiteral("undo")));
    // Equal values; a member the commit removed comes back at the end of its object.
    QVERIFY2(jsonEqual(withoutBookkeeping(run.manifest()), withoutBookkeeping(before)),
             withoutBookkeeping(run.manifest()).dump(2).c_str());

    // Undoing the undo (redo) gives the edit's values back.
    const Json undone = run.manifest();
    RUNBOARD_VERIFY_OK(run.commit(ManifestEdits::inverse(after, undone)));
    QVERIFY(jsonEqual(withoutBookkeeping(run.manifest()), withoutBookkeeping(after)));
}

void tst_ManifestEdits::undoKeepsUnrelatedChangesOfOthers()
{
    Run run;
    const Json before = run.manifest();
    const Result<ManifestEdit> edit
        = ManifestEdits::setTaskStatus(before, {QStringLiteral("T-2")}, QStringLiteral("review"));
    RUNBOARD_VERIFY_OK(run.commit(edit->operations));
    const Json after = run.manifest();
    run.otherWriter(R"([{"op":"replace","path":"/tasks/{id:T-3}/status","value":"in_progress"},
                        {"op":"replace","path":"/tasks/{id:T-2}/title","value":"Cookie"}])");

    RUNBOARD_VERIFY_OK(run.commit(ManifestEdits::inverse(before, after)));
    const Json now = run.manifest();
    QCOMPARE(task(now, "T-2").at("status"), Json("pending"));
    QCOMPARE(task(now, "T-2").at("title"), Json("Cookie"));
    QCOMPARE(task(now, "T-3").at("status"), Json("in_progress"));
}

void tst_ManifestEdits::undoRefusesWhenSomeoneChangedTheSameValue()
{
    Run run;
    const Json before = run.manifest();
    const Result<ManifestEdit> edit
        = ManifestEdits::requestCancellation(before, QStringLiteral("S-worker-1"));
    RUNBOARD_VERIFY_OK(run.commit(edit->operations));
    const Json after = run.manifest();
    run.otherWriter(
        R"([{"op":"replace","path":"/agents/{sessionId:S-worker-1}/cancellationRequested","value":false}])");
    const QByteArray theirs = run.bundle.readFile(QStringLiteral("manifest.json"));

    const Result<ManifestStore::Committed> undo = run.commit(ManifestEdits::inverse(before, after));
    QVERIFY(!undo.isOk());
    QCOMPARE(undo.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(run.bundle.readFile(QStringLiteral("manifest.json")), theirs);
    QCOMPARE(agent(run.manifest(), "S-worker-1").at("cancellationRequested"), Json(false));
}

void tst_ManifestEdits::undoOfARemovedTaskBringsItBackByItsId()
{
    Run run;
    const Json before = run.manifest();
    RUNBOARD_VERIFY_OK(run.commit(Json::parse(R"([{"op":"remove","path":"/tasks/{id:T-2}"}])")));
    const Json after = run.manifest();
    const Json undo = ManifestEdits::inverse(before, after);
    QVERIFY2(undo.dump().find("/tasks/{id:T-2}") != std::string::npos, undo.dump().c_str());
    RUNBOARD_VERIFY_OK(run.commit(undo));
    QCOMPARE(task(run.manifest(), "T-2"), task(before, "T-2"));
    // Once more: T-2 exists again, so the same undo now refuses instead of adding a twin.
    QVERIFY(!run.commit(undo).isOk());
}

void tst_ManifestEdits::newIdsHaveAdesForm()
{
    const QString id = ManifestEdits::newId(QStringLiteral("D"), context());
    QCOMPARE(id, QStringLiteral("D-1796299263250-abc123"));
    ManifestEdits::Context small = context();
    small.random = 0x1f;
    QCOMPARE(ManifestEdits::newId(QStringLiteral("O"), small),
             QStringLiteral("O-1796299263250-00001f"));
}

QTEST_GUILESS_MAIN(tst_ManifestEdits)
#include "tst_manifestedits.moc"
