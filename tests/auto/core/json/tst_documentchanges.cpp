// SPDX-License-Identifier: MIT
//
// DocumentChanges: which members and which keyed array elements differ, and that it is trusted
// only for the exact document it was worked out from.

#include "documentchanges.h"

#include <QTest>

#include <memory>
#include <random>

using namespace runboard;

namespace {

std::shared_ptr<const Json> shared(Json json)
{
    return std::make_shared<const Json>(std::move(json));
}

Json task(const std::string &id, const std::string &status)
{
    return Json{{"id", id}, {"status", status}};
}

Json run()
{
    return Json{{"etag", "e1"},
                {"serverGeneration", 1},
                {"tasks", Json::array({task("T-1", "pending"), task("T-2", "pending"),
                                       task("T-3", "pending")})},
                {"agents", Json::array({{{"sessionId", "S-1"}, {"role", "worker"}}})},
                {"history", Json::array({{{"etag", "e0"}}})}};
}

using Positions = std::vector<std::size_t>;

} // namespace

class tst_DocumentChanges : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unknownSaysEverythingMayDiffer();
    void aStatusIsOneTaskOfTheTasks();
    void membersAddedRemovedAndReordered();
    void arraysThatMovedAreWholeMembers();
    void trustedOnlyForTheExactDocument();
    void randomPairsNameEveryDifference();
};

void tst_DocumentChanges::unknownSaysEverythingMayDiffer()
{
    const DocumentChanges unknown;
    QVERIFY(!unknown.isKnown());
    QVERIFY(unknown.mayDiffer("tasks"));
    QCOMPARE(unknown.changedElements("tasks"), nullptr);
    QVERIFY(!unknown.isRelativeTo(shared(run())));
    // No earlier version, or one that is no object: unknown too.
    QVERIFY(!DocumentChanges::between(nullptr, run()).isKnown());
    QVERIFY(!DocumentChanges::between(shared(Json::array()), run()).isKnown());
}

void tst_DocumentChanges::aStatusIsOneTaskOfTheTasks()
{
    const auto before = shared(run());
    Json after = run();
    after["tasks"][1]["status"] = "done";
    after["etag"] = "e2";
    after["serverGeneration"] = 2;
    const DocumentChanges changes = DocumentChanges::between(before, after);
    QVERIFY(changes.isKnown());
    QCOMPARE(changes.changedMembers(),
             (std::vector<std::string>{"etag", "serverGeneration", "tasks"}));
    QCOMPARE(*changes.changedElements("tasks"), Positions{1});
    QVERIFY(!changes.mayDiffer("agents"));
    QCOMPARE(*changes.changedElements("agents"), Positions{});
    QVERIFY(changes.mayDiffer("etag"));
    QCOMPARE(changes.changedElements("etag"), nullptr); // no array: compare it yourself

    // The parts: the task that changed (alone in its array), the changed scalars, and no
    // unchanged array; both sides in the same shape.
    const std::pair<Json, Json> parts = changes.changedParts(*before, after);
    const Json expectedFrom = {
        {"etag", "e1"}, {"serverGeneration", 1}, {"tasks", Json::array({task("T-2", "pending")})}};
    const Json expectedTo
        = {{"etag", "e2"}, {"serverGeneration", 2}, {"tasks", Json::array({task("T-2", "done")})}};
    QVERIFY2(parts.first == expectedFrom, parts.first.dump().c_str());
    QVERIFY2(parts.second == expectedTo, parts.second.dump().c_str());

    const DocumentChanges none = DocumentChanges::between(before, run());
    QVERIFY(none.isKnown());
    QVERIFY(none.changedMembers().empty());
}

void tst_DocumentChanges::membersAddedRemovedAndReordered()
{
    const auto before = shared(run());
    Json after = run();
    after.erase("agents");
    after["plan"] = {{"approved", true}};
    const DocumentChanges changes = DocumentChanges::between(before, after);
    QCOMPARE(changes.changedMembers(), (std::vector<std::string>{"plan", "agents"}));
    QCOMPARE(changes.changedElements("agents"), nullptr);

    // Members in another order are the same members: only a member whose value differs counts.
    Json reordered = Json::object();
    const Json original = run();
    for (auto it = original.rbegin(); it != original.rend(); ++it)
        reordered[it.key()] = it.value();
    QVERIFY(DocumentChanges::between(before, reordered).changedMembers().empty());
}

void tst_DocumentChanges::arraysThatMovedAreWholeMembers()
{
    const auto before = shared(run());
    Json appended = run();
    appended["history"].push_back({{"etag", "e1"}});
    QCOMPARE(DocumentChanges::between(before, appended).changedElements("history"), nullptr);
    QVERIFY(DocumentChanges::between(before, appended).mayDiffer("history"));

    Json swapped = run();
    std::swap(swapped["tasks"][0], swapped["tasks"][2]);
    QCOMPARE(DocumentChanges::between(before, swapped).changedElements("tasks"), nullptr);

    // Same ids, same places, one element now without its id: a keyed place changed.
    Json unkeyed = run();
    unkeyed["tasks"][2].erase("id");
    QCOMPARE(DocumentChanges::between(before, unkeyed).changedElements("tasks"), nullptr);

    // Plain values are compared place by place.
    auto numbers = shared(Json{{"list", Json::array({1, 2, 3})}});
    QCOMPARE(*DocumentChanges::between(numbers, Json{{"list", Json::array({1, 5, 3})}})
                  .changedElements("list"),
             Positions{1});
}

void tst_DocumentChanges::trustedOnlyForTheExactDocument()
{
    auto before = shared(run());
    const auto equalCopy = shared(run());
    const DocumentChanges changes = DocumentChanges::between(before, run());
    QVERIFY(changes.isRelativeTo(before));
    QVERIFY(!changes.isRelativeTo(equalCopy));
    QVERIFY(!changes.isRelativeTo(nullptr));
    // The changes keep no document alive, and a document made after the earlier one is gone
    // is not taken for it (even at the same address).
    const std::weak_ptr<const Json> watcher = before;
    before.reset();
    QVERIFY(watcher.expired());
    for (int i = 0; i < 100; ++i)
        QVERIFY(!changes.isRelativeTo(shared(run())));
}

void tst_DocumentChanges::randomPairsNameEveryDifference()
{
    // Property: every member that differs is named; every member not named is equal; element
    // positions, where given, are exactly the elements that differ.
    std::mt19937 random(20261204);
    for (int round = 0; round < 500; ++round) {
        Json a = run();
        for (int i = 4; i <= 12; ++i)
            a["tasks"].push_back(task("T-" + std::to_string(i), "pending"));
        Json b = a;
        const int edits = int(random() % 4);
        for (int e = 0; e < edits; ++e) {
            Json &tasks = b["tasks"];
            const std::size_t at = random() % tasks.size();
            switch (random() % 5) {
            case 0:
                tasks[at]["status"] = "done";
                break;
            case 1:
                tasks.erase(at);
                break;
            case 2:
                b["agents"][0]["role"] = "validator";
                break;
            case 3:
                b["serverGeneration"] = int(random() % 3);
                break;
            default:
                b["extra" + std::to_string(random() % 2)] = e;
                break;
            }
        }
        const auto before = shared(a);
        const DocumentChanges changes = DocumentChanges::between(before, b);
        for (const auto *side : {&a, &b}) {
            for (auto it = side->begin(); it != side->end(); ++it) {
                const std::string &name = it.key();
                const bool differs = !a.contains(name) || !b.contains(name) || a[name] != b[name];
                QCOMPARE(changes.mayDiffer(name), differs);
                const Positions *positions = changes.changedElements(name);
                if (!positions)
                    continue;
                if (!differs) {
                    QVERIFY(positions->empty());
                    continue;
                }
                QCOMPARE(a[name].size(), b[name].size());
                Positions expected;
                for (std::size_t i = 0; i < a[name].size(); ++i) {
                    if (a[name][i] != b[name][i])
                        expected.push_back(i);
                }
                QCOMPARE(*positions, expected);
            }
        }
        // sameChangedParts() says what comparing the two changedParts() says, also for
        // documents that differ from these elsewhere (a replay that went wrong, say).
        Json c = b;
        switch (random() % 5) {
        case 0:
            if (!c["tasks"].empty())
                c["tasks"][random() % c["tasks"].size()]["title"] = "changed";
            break;
        case 1:
            c["runId"] = "R-other";
            break;
        case 2:
            c["agents"] = "not an array";
            break;
        case 3:
            c.erase("tasks");
            break;
        default:
            break;
        }
        for (const auto &[x, y] : {std::pair{&a, &b}, std::pair{&b, &b}, std::pair{&b, &c},
                                   std::pair{&a, &c}, std::pair{&c, &a}}) {
            const auto [left, right] = changes.changedParts(*x, *y);
            QCOMPARE(changes.sameChangedParts(*x, *y), left == right);
        }
    }
}

QTEST_MAIN(tst_DocumentChanges)
#include "tst_documentchanges.moc"
