// SPDX-License-Identifier: MIT
// jsonEqual: the equality RFC 6902 `test` and the diff property test rely on.

#include "json.h"

#include <QTest>

using namespace runboard;

class tst_Json : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equality_data();
    void equality();
    void keepsMemberOrder();
};

void tst_Json::equality_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("same object") << QByteArray(R"({"a":1,"b":[1,2]})")
                                 << QByteArray(R"({"a":1,"b":[1,2]})") << true;
    QTest::newRow("member order ignored")
        << QByteArray(R"({"a":1,"b":{"x":null,"y":"s"}})")
        << QByteArray(R"({"b":{"y":"s","x":null},"a":1})") << true;
    QTest::newRow("array order matters") << QByteArray("[1,2]") << QByteArray("[2,1]") << false;
    QTest::newRow("int equals float") << QByteArray("1") << QByteArray("1.0") << true;
    QTest::newRow("negative int equals float") << QByteArray("-3") << QByteArray("-3.0") << true;
    QTest::newRow("different numbers") << QByteArray("1") << QByteArray("1.5") << false;
    QTest::newRow("missing member")
        << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"b":2})") << false;
    QTest::newRow("same size, other member")
        << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1,"c":2})") << false;
    QTest::newRow("string vs number") << QByteArray(R"("1")") << QByteArray("1") << false;
    QTest::newRow("null vs false") << QByteArray("null") << QByteArray("false") << false;
    QTest::newRow("nested difference")
        << QByteArray(R"({"t":[{"id":"T-1","s":"done"}]})")
        << QByteArray(R"({"t":[{"id":"T-1","s":"failed"}]})") << false;
}

void tst_Json::equality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    const Json left = Json::parse(a.toStdString());
    const Json right = Json::parse(b.toStdString());
    QCOMPARE(jsonEqual(left, right), equal);
    QCOMPARE(jsonEqual(right, left), equal);
}

void tst_Json::keepsMemberOrder()
{
    Json doc = Json::parse(R"({"b":1,"a":2,"c":3,"d":4})");
    doc.erase("a");
    doc["e"] = 5;
    std::string keys;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        keys += it.key();
    QCOMPARE(QString::fromStdString(keys), QStringLiteral("bcde"));
}

QTEST_APPLESS_MAIN(tst_Json)
#include "tst_json.moc"
