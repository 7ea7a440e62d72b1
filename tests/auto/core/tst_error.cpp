// SPDX-License-Identifier: MIT
// The error vocabulary is a public contract: wire names and CLI exit statuses (DESIGN.md §6-7).

#include "error.h"

#include <QTest>

using namespace runboard;

class tst_Error : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAndExitStatuses_data();
    void namesAndExitStatuses();
    void resultCarriesValueOrError();
};

void tst_Error::namesAndExitStatuses_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("exitStatus");
    QTest::newRow("etag_conflict") << ErrorCode::EtagConflict << "etag_conflict" << 3;
    QTest::newRow("invalid_patch") << ErrorCode::InvalidPatch << "invalid_patch" << 4;
    QTest::newRow("policy_denied") << ErrorCode::PolicyDenied << "policy_denied" << 5;
    QTest::newRow("validation_failed") << ErrorCode::ValidationFailed << "validation_failed" << 6;
    QTest::newRow("run_suspended") << ErrorCode::RunSuspended << "run_suspended" << 7;
    QTest::newRow("not_found") << ErrorCode::NotFound << "not_found" << 7;
    QTest::newRow("unreadable") << ErrorCode::Unreadable << "unreadable" << 7;
    QTest::newRow("io_error") << ErrorCode::IoError << "io_error" << 8;
}

void tst_Error::namesAndExitStatuses()
{
    QFETCH(ErrorCode, code);
    QFETCH(QString, name);
    QFETCH(int, exitStatus);
    QCOMPARE(errorCodeName(code), name);
    QCOMPARE(exitStatusFor(code), exitStatus);
}

void tst_Error::resultCarriesValueOrError()
{
    const Result<int> good(42);
    QVERIFY(good.isOk());
    QCOMPARE(good.value(), 42);

    const Result<int> bad(Error{ErrorCode::NotFound, QStringLiteral("no manifest.json in /tmp/x"),
                                Json{{"path", "/tmp/x"}}});
    QVERIFY(!bad.isOk());
    QCOMPARE(bad.error().code, ErrorCode::NotFound);
    QCOMPARE(bad.error().details.at("path").get<std::string>(), std::string("/tmp/x"));

    const Result<void> done;
    QVERIFY(done.isOk());
    const Result<void> failed(Error{ErrorCode::IoError, QStringLiteral("disk full"), {}});
    QVERIFY(!failed.isOk());
    QCOMPARE(failed.error().message, QStringLiteral("disk full"));
}

QTEST_APPLESS_MAIN(tst_Error)
#include "tst_error.moc"
