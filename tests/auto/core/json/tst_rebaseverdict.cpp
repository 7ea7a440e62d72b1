// SPDX-License-Identifier: MIT
// judgeRebase: the verdict after an etag conflict. Every row starts from the run ADE wrote;
// theirs is the base with a patch applied and the bookkeeping of a commit (etag, generation,
// updatedAt, a history entry) bumped, as every other writer's version has it. Rows check the
// kind, each conflicting place with its base / theirs / yours values, the ops named as
// conflicting, the failure's words, and for a clean verdict the rebased document.

#include "jsonpatch.h"
#include "rebaseverdict.h"
#include "testpaths.h"

#include <QFile>
#include <QStringList>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

Q_DECLARE_METATYPE(runboard::RebaseVerdict::Kind)

namespace {

Json parsed(const QByteArray &text)
{
    return Json::parse(text.toStdString());
}

// The run ADE wrote (tests/data/ade-worktree): T-1 in progress for S-worker-1, T-2 and T-3
// pending, etag g6-f149e887.
Json baseManifest()
{
    QFile file(adeFixtureManifestPath());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("the ADE fixture is missing (tests/data/ade-worktree)");
    return parsed(file.readAll());
}

JsonPatch patchOf(const QByteArray &ops)
{
    const Result<JsonPatch> patch = JsonPatch::fromJson(parsed(ops));
    if (!patch.isOk())
        qFatal("bad patch in test table: %s", qPrintable(patch.error().message));
    return patch.value();
}

// The base changed by `ops` and committed as another writer commits.
Json theirsFrom(const Json &base, const QByteArray &ops)
{
    Result<Json> applied = patchOf(ops).apply(base);
    if (!applied.isOk())
        qFatal("bad theirs in test table: %s", qPrintable(applied.error().message));
    Json theirs = std::move(applied).value();
    theirs["etag"] = "g7-e0e0e0e0";
    theirs["serverGeneration"] = 7;
    theirs["updatedAt"] = "2026-11-24T11:00:00.000Z";
    theirs["history"].push_back(Json{{"etag", "g7-e0e0e0e0"},
                                     {"at", "2026-11-24T11:00:00.000Z"},
                                     {"summary", "patch"},
                                     {"patchKindSummary", "theirs"}});
    return theirs;
}

QString shown(const std::optional<Json> &value)
{
    return value ? QString::fromStdString(value->dump()) : QStringLiteral("-");
}

// "pointer | base | theirs | yours", values as compact JSON, "-" where the place does not exist.
QStringList conflictLines(const RebaseVerdict &verdict)
{
    QStringList lines;
    for (const RebaseVerdict::Conflict &conflict : verdict.conflicts) {
        lines << QString::fromStdString(conflict.pointer) + QStringLiteral(" | ")
                     + shown(conflict.base) + QStringLiteral(" | ") + shown(conflict.theirs)
                     + QStringLiteral(" | ") + shown(conflict.yours);
    }
    return lines;
}

QList<int> opsOf(const RebaseVerdict &verdict)
{
    QList<int> ops;
    for (const std::size_t op : verdict.conflictingOps)
        ops << int(op);
    return ops;
}

} // namespace

class tst_RebaseVerdict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data();
    void verdicts();
    void cleanRebaseIsMineOnTheirs();
    void theirsUnchangedIsClean();
};

void tst_RebaseVerdict::verdicts_data()
{
    QTest::addColumn<QByteArray>("mine");
    QTest::addColumn<QByteArray>("theirs"); // applied to the base, then committed
    QTest::addColumn<RebaseVerdict::Kind>("kind");
    QTest::addColumn<QStringList>("conflicts");
    QTest::addColumn<QList<int>>("conflictingOps");
    QTest::addColumn<QString>("failure"); // the failure's message, empty when there is none

    using Kind = RebaseVerdict::Kind;
    const QByteArray t1Done(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])");

    QTest::newRow("disjoint tasks")
        << t1Done << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"2"}])")
        << Kind::Clean << QStringList() << QList<int>() << QString();
    QTest::newRow("only the bookkeeping moved")
        << t1Done << QByteArray("[]") << Kind::Clean << QStringList() << QList<int>() << QString();
    QTest::newRow("identical edits")
        << t1Done << t1Done << Kind::Clean << QStringList() << QList<int>() << QString();
    QTest::newRow("both appended other tasks")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-8","title":"8"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9","title":"9"}}])")
        << Kind::Clean << QStringList() << QList<int>() << QString();
    QTest::newRow("same value")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"mine"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"review"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-1}/status | "in_progress" | "review" | "done")")}
        << QList<int>{1} << QString();
    QTest::newRow("theirs changed a child of what mine replaced")
        << QByteArray(R"([{"op":"replace","path":"/leadState","value":{"lastSnapshotEtag":"x"}}])")
        << QByteArray(R"([{"op":"replace","path":"/leadState/lastSnapshotEtag","value":"g1"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/leadState/lastSnapshotEtag | "g1-9aefb7fe" | "g1" | "x")")}
        << QList<int>{0} << QString();
    QTest::newRow("theirs replaced the parent of what mine changed")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate/required",
                          "value":false}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate",
                          "value":"none"}])")
        << Kind::CannotApply
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-1}/validationGate/required | true | - | false)")}
        << QList<int>{0}
        << QStringLiteral("/tasks/{id:T-1}/validationGate/required was removed, so operation 0 "
                          "(replace /tasks/{id:T-1}/validationGate/required) no longer applies");
    QTest::newRow("mine replaced a parent, then changed inside it")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate",
                          "value":{"required":true,"stepIds":["V-1","V-2"]}},
                          {"op":"replace","path":"/tasks/{id:T-1}/validationGate/required",
                          "value":false}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/{id:T-1}/validationGate/note",
                          "value":"theirs"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(R"(/tasks/{id:T-1}/validationGate/note | - | "theirs" | -)")}
        << QList<int>{0} << QString();
    QTest::newRow("mine removed what theirs changed")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-2}"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"review"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(R"(/tasks/{id:T-2}/status | "pending" | "review" | -)")}
        << QList<int>{0} << QString();
    QTest::newRow("both appended the same id")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9","title":"mine"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9","title":"theirs"}}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-9} | - | {"id":"T-9","title":"theirs"} | {"id":"T-9","title":"mine"})")}
        << QList<int>{0} << QString();
    QTest::newRow("removed target")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"2"},
                          {"op":"replace","path":"/tasks/{id:T-3}/title","value":"3"}])")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-3}"}])") << Kind::CannotApply
        << QStringList{QStringLiteral(R"(/tasks/{id:T-3}/title | "End-to-end check" | - | "3")")}
        << QList<int>{1}
        << QStringLiteral("task T-3 was removed, so operation 1 (replace "
                          "/tasks/{id:T-3}/title) no longer applies");
    QTest::newRow("removed agent")
        << QByteArray(R"([{"op":"add","path":"/agents/{sessionId:S-worker-1}/cancellationRequested",
                          "value":true}])")
        << QByteArray(R"([{"op":"remove","path":"/agents/{sessionId:S-worker-1}"}])")
        << Kind::CannotApply
        << QStringList{QStringLiteral(
               R"(/agents/{sessionId:S-worker-1}/cancellationRequested | - | - | true)")}
        << QList<int>{0}
        << QStringLiteral(
               "agent S-worker-1 was removed, so operation 0 (add "
               "/agents/{sessionId:S-worker-1}/cancellationRequested) no longer applies");
    // Tests are reads: a guard on a value theirs changed is a conflict, not a failure.
    QTest::newRow("test on a value theirs changed")
        << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-1}/status","value":"in_progress"},
                          {"op":"replace","path":"/tasks/{id:T-1}/title","value":"x"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"review"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-1}/status | "in_progress" | "review" | "in_progress")")}
        << QList<int>{0} << QString();
    QTest::newRow("test on the parent of a value theirs changed")
        << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-1}/validationGate",
                          "value":{"required":true,"stepIds":["V-1"]}},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate/required",
                          "value":false}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-1}/validationGate/required | true | false | true)")}
        << QList<int>{0} << QString();
    QTest::newRow("test next to a value theirs changed")
        << QByteArray(
               R"([{"op":"test","path":"/leadState/lastSnapshotSeenAt","value":"2026-11-24T10:53:56.764Z"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/leadState/lastSnapshotEtag","value":"g1"}])")
        << Kind::Clean << QStringList() << QList<int>() << QString();
    QTest::newRow("copy from a value theirs changed")
        << QByteArray(R"([{"op":"copy","from":"/tasks/{id:T-1}/title","path":"/leadState/note"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/title","value":"Uno"}])")
        << Kind::Conflicts
        << QStringList{QStringLiteral(
               R"(/tasks/{id:T-1}/title | "Login form UI" | "Uno" | "Login form UI")")}
        << QList<int>{0} << QString();
    // The bookkeeping is a conflict once mine touches it itself.
    QTest::newRow("mine tests the etag")
        << QByteArray(R"([{"op":"test","path":"/etag","value":"g6-f149e887"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray("[]") << Kind::Conflicts
        << QStringList{QStringLiteral(R"(/etag | "g6-f149e887" | "g7-e0e0e0e0" | "g6-f149e887")")}
        << QList<int>{0} << QString();
    QTest::newRow("mine did not apply to its own base")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-7}/status","value":"done"}])")
        << QByteArray("[]") << Kind::CannotApply << QStringList() << QList<int>()
        << QStringLiteral("your change does not apply to the new version: operation 0 (replace "
                          "/tasks/{id:T-7}/status): no element of /tasks has id \"T-7\"");
}

void tst_RebaseVerdict::verdicts()
{
    QFETCH(QByteArray, mine);
    QFETCH(QByteArray, theirs);
    QFETCH(RebaseVerdict::Kind, kind);
    QFETCH(QStringList, conflicts);
    QFETCH(QList<int>, conflictingOps);
    QFETCH(QString, failure);

    const Json base = baseManifest();
    const RebaseVerdict verdict = judgeRebase(base, patchOf(mine), theirsFrom(base, theirs));
    QCOMPARE(conflictLines(verdict), conflicts);
    // `yours` is worked out on a subtree where it can be: it must be what applying the whole
    // patch to the base leaves there.
    const Result<Json> whole = patchOf(mine).apply(base);
    for (const RebaseVerdict::Conflict &conflict : verdict.conflicts) {
        const Json *expected
            = whole.isOk() ? JsonPointer::parse(conflict.pointer)->find(whole.value()) : nullptr;
        QCOMPARE(shown(conflict.yours),
                 shown(expected ? std::optional<Json>(*expected) : std::nullopt));
    }
    QCOMPARE(opsOf(verdict), conflictingOps);
    QCOMPARE(verdict.kind, kind);
    QCOMPARE(verdict.isClean(), kind == RebaseVerdict::Kind::Clean);
    QCOMPARE(verdict.rebased != nullptr, kind == RebaseVerdict::Kind::Clean);
    QCOMPARE(verdict.failure.has_value(), !failure.isEmpty());
    if (verdict.failure) {
        QCOMPARE(verdict.failure->code, ErrorCode::InvalidPatch);
        QCOMPARE(verdict.failure->message, failure);
        QVERIFY(verdict.failure->details.contains("opIndex"));
    }
}

void tst_RebaseVerdict::cleanRebaseIsMineOnTheirs()
{
    const Json base = baseManifest();
    const JsonPatch mine
        = patchOf(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"},
                      {"op":"add","path":"/tasks/-","value":{"id":"T-8","title":"8"}}])");
    const Json theirs
        = theirsFrom(base, R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"2"},
                  {"op":"add","path":"/tasks/-","value":{"id":"T-9","title":"9"}}])");
    const RebaseVerdict verdict = judgeRebase(base, mine, theirs);
    QVERIFY(verdict.isClean());
    QVERIFY(verdict.conflicts.empty());
    QVERIFY(verdict.conflictingOps.empty());
    QVERIFY(!verdict.failure);
    const Result<Json> expected = mine.apply(theirs);
    QVERIFY(expected.isOk());
    QVERIFY(verdict.rebased != nullptr);
    QCOMPARE(QString::fromStdString(verdict.rebased->dump()),
             QString::fromStdString(expected->dump()));
    // Both sides' changes are there, and theirs' bookkeeping.
    QCOMPARE(verdict.rebased->at("tasks").size(), std::size_t(5));
    QCOMPARE(verdict.rebased->at("tasks")[1].at("title").get<std::string>(), std::string("2"));
    QCOMPARE(verdict.rebased->at("etag").get<std::string>(), std::string("g7-e0e0e0e0"));
}

void tst_RebaseVerdict::theirsUnchangedIsClean()
{
    const Json base = baseManifest();
    const JsonPatch mine
        = patchOf(R"([{"op":"test","path":"/tasks/{id:T-1}/status","value":"in_progress"},
                      {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])");
    const RebaseVerdict verdict = judgeRebase(base, mine, base);
    QVERIFY(verdict.isClean());
    QCOMPARE(verdict.rebased->at("tasks")[0].at("status").get<std::string>(), std::string("done"));
}

QTEST_APPLESS_MAIN(tst_RebaseVerdict)
#include "tst_rebaseverdict.moc"
