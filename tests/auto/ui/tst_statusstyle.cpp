// SPDX-License-Identifier: MIT
// StatusStyle and the palette: status colours, dots and change highlights are derived from the
// palette and readable on it (light, dark, high contrast); when the application switches to a
// dark palette the widgets that pick colours themselves re-style on the palette change; dots
// stay crisp at a device pixel ratio of 2.

#include "messagebar.h"
#include "overviewpanel.h"
#include "statusstyle.h"
#include "taskmodel.h"
#include "uitestutil.h"

#include <QApplication>
#include <QLabel>
#include <QPalette>
#include <QStyle>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

using Tone = StatusStyle::Tone;
const QList<Tone> kTones
    = {Tone::Neutral, Tone::Active, Tone::Good, Tone::Warning, Tone::Bad, Tone::Muted};

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    palette.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    palette.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    palette.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
    palette.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    palette.setColor(QPalette::ButtonText, QColor(0xee, 0xee, 0xee));
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    return palette;
}

QPalette highContrastPalette()
{
    QPalette palette = darkPalette();
    palette.setColor(QPalette::Base, Qt::black);
    palette.setColor(QPalette::AlternateBase, Qt::black);
    palette.setColor(QPalette::Window, Qt::black);
    palette.setColor(QPalette::Text, Qt::yellow);
    palette.setColor(QPalette::WindowText, Qt::yellow);
    palette.setColor(QPalette::Highlight, Qt::cyan);
    return palette;
}

// A mid-grey base: neither "light" nor "dark", the hard case for fixed colour pairs.
QPalette greyPalette()
{
    QPalette palette = darkPalette();
    palette.setColor(QPalette::Base, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::AlternateBase, QColor(0x88, 0x88, 0x88));
    palette.setColor(QPalette::Text, Qt::black);
    palette.setColor(QPalette::PlaceholderText, QColor(0x60, 0x60, 0x60));
    return palette;
}

QColor blend(const QColor &over, const QColor &under)
{
    const qreal a = over.alphaF();
    return QColor::fromRgbF(float(over.redF() * a + under.redF() * (1 - a)),
                            float(over.greenF() * a + under.greenF() * (1 - a)),
                            float(over.blueF() * a + under.blueF() * (1 - a)));
}

// The colour of the middle pixel of a rendered dot.
QColor dotColor(const QIcon &icon, qreal dpr)
{
    const QPixmap pixmap = icon.pixmap(QSize(16, 16), dpr);
    const QImage image = pixmap.toImage();
    return image.pixelColor(image.width() / 2, image.height() / 2);
}

} // namespace

class tst_StatusStyle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void statusColoursReadOnTheirPalette_data();
    void statusColoursReadOnTheirPalette();
    void highlightKeepsTextReadable_data();
    void highlightKeepsTextReadable();
    void contrastRatioIsWcags();
    void switchingToADarkPaletteRestyles();
    void dotsAreCrispAtTwiceTheResolution();

private:
    QPalette m_original;
};

void tst_StatusStyle::init()
{
    m_original = QApplication::palette();
}

void tst_StatusStyle::cleanup()
{
    QApplication::setPalette(m_original);
}

void tst_StatusStyle::statusColoursReadOnTheirPalette_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::newRow("style's own") << QApplication::style()->standardPalette();
    QTest::newRow("dark") << darkPalette();
    QTest::newRow("high contrast") << highContrastPalette();
    QTest::newRow("mid grey") << greyPalette();
}

void tst_StatusStyle::statusColoursReadOnTheirPalette()
{
    QFETCH(QPalette, palette);
    const QColor base = palette.color(QPalette::Base);
    const QColor alternate = palette.color(QPalette::AlternateBase);
    for (const Tone tone : kTones) {
        const QColor color = StatusStyle::color(tone, palette);
        QVERIFY(color.isValid());
        const qreal contrast = qMin(StatusStyle::contrastRatio(color, base),
                                    StatusStyle::contrastRatio(color, alternate));
        QVERIFY2(contrast >= StatusStyle::kMinimumContrast,
                 qPrintable(QStringLiteral("tone %1: %2 on %3 has contrast %4")
                                .arg(int(tone))
                                .arg(color.name(), base.name())
                                .arg(contrast)));
    }
    // The tones stay apart from each other: "failed" does not look like "done".
    QVERIFY(StatusStyle::color(Tone::Bad, palette) != StatusStyle::color(Tone::Good, palette));
    QVERIFY(StatusStyle::color(Tone::Active, palette)
            != StatusStyle::color(Tone::Warning, palette));
    QVERIFY(!StatusStyle::color(Tone::None, palette).isValid());
}

void tst_StatusStyle::highlightKeepsTextReadable_data()
{
    statusColoursReadOnTheirPalette_data();
}

void tst_StatusStyle::highlightKeepsTextReadable()
{
    QFETCH(QPalette, palette);
    const QColor base = palette.color(QPalette::Base);
    const QColor background = blend(StatusStyle::highlight(palette, 1.0), base);
    QVERIFY(background != base); // visible
    QVERIFY(StatusStyle::contrastRatio(palette.color(QPalette::Text), background)
            >= StatusStyle::kMinimumContrast);
    // It fades to nothing.
    QCOMPARE(StatusStyle::highlight(palette, 0.0).alpha(), 0);
}

void tst_StatusStyle::contrastRatioIsWcags()
{
    QCOMPARE(qRound(StatusStyle::contrastRatio(Qt::black, Qt::white)), 21);
    QCOMPARE(StatusStyle::contrastRatio(Qt::red, Qt::red), 1.0);
    // #767676 on white is the classic 4.54:1.
    QVERIFY(qAbs(StatusStyle::contrastRatio(QColor(0x76, 0x76, 0x76), Qt::white) - 4.54) < 0.01);
}

void tst_StatusStyle::switchingToADarkPaletteRestyles()
{
    QApplication::setPalette(QApplication::style()->standardPalette());

    // A model's colour comes from the application palette at paint time.
    TaskModel model;
    model.setSnapshot(snapshotOf(TempBundle::minimalManifest(QStringLiteral("R-1")), 1),
                      fixedNow());
    Json doc = TempBundle::minimalManifest(QStringLiteral("R-1"));
    doc["tasks"] = Json::array({taskJson("T-1", "failed")});
    model.setSnapshot(snapshotOf(doc, 2), fixedNow());
    const QModelIndex status = model.index(0, TaskModel::Status);
    const QColor lightColor = status.data(Qt::ForegroundRole).value<QColor>();
    const QColor lightDot = dotColor(status.data(Qt::DecorationRole).value<QIcon>(), 1.0);

    MessageBar bar;
    bar.showMessage(MessageBar::Kind::Error, QStringLiteral("The manifest cannot be read."));
    const QColor lightBar = bar.palette().color(QPalette::Window);

    OverviewPanel overview;
    Json stalled = TempBundle::minimalManifest(QStringLiteral("R-1"));
    stalled["agents"].push_back({{"sessionId", "S-w"},
                                 {"role", "worker"},
                                 {"status", "running"},
                                 {"spawnedAt", "2026-07-22T09:00:00.000Z"},
                                 {"lastHeartbeatAt", "2026-07-22T09:00:00.000Z"}});
    const Manifest manifest(std::make_shared<const Json>(stalled));
    overview.setState({manifest, manifest.agents(), {}, {}}, fixedNow());
    QVERIFY(!overview.stalledText().isEmpty());
    auto *stalledLabel = overview.findChild<QLabel *>(QStringLiteral("stalledAgents"));
    QVERIFY(stalledLabel);
    QCOMPARE(stalledLabel->accessibleName(), QStringLiteral("Stalled agents"));

    const QPalette dark = darkPalette();
    QApplication::setPalette(dark);
    // The widgets re-style on the palette change they are sent.
    QTRY_VERIFY(bar.palette().color(QPalette::Window) != lightBar);

    const QColor darkColor = status.data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(darkColor != lightColor);
    QVERIFY(StatusStyle::contrastRatio(darkColor, dark.color(QPalette::Base))
            >= StatusStyle::kMinimumContrast);
    const QColor darkDot = dotColor(status.data(Qt::DecorationRole).value<QIcon>(), 1.0);
    QVERIFY(darkDot != lightDot);
    QCOMPARE(darkDot.rgb(), StatusStyle::color(Tone::Bad, dark).rgb());

    const QColor darkBar = bar.palette().color(QPalette::Window);
    QVERIFY(darkBar != lightBar);
    QVERIFY(darkBar.lightness() < 128);
    QVERIFY(StatusStyle::contrastRatio(bar.palette().color(QPalette::WindowText), darkBar)
            >= StatusStyle::kMinimumContrast);

    QTRY_COMPARE(stalledLabel->palette().color(QPalette::WindowText),
                 StatusStyle::color(Tone::Bad, overview.palette(), StatusStyle::Surface::Window));
    const QColor stalledColor = stalledLabel->palette().color(QPalette::WindowText);
    QVERIFY(StatusStyle::contrastRatio(stalledColor, dark.color(QPalette::Window))
            >= StatusStyle::kMinimumContrast);
}

void tst_StatusStyle::dotsAreCrispAtTwiceTheResolution()
{
    const QIcon dot = StatusStyle::icon(Tone::Good);
    const QPixmap oneX = dot.pixmap(QSize(16, 16), 1.0);
    const QPixmap twoX = dot.pixmap(QSize(16, 16), 2.0);
    QCOMPARE(oneX.size(), QSize(16, 16));
    QCOMPARE(twoX.size(), QSize(32, 32)); // drawn at 32 px, not a 16 px image scaled up
    QCOMPARE(twoX.devicePixelRatio(), 2.0);
    QCOMPARE(dotColor(dot, 2.0).rgb(),
             StatusStyle::color(Tone::Good, QApplication::palette()).rgb());
    // The edge of the dot is antialiased at 2x too: a pixel between inside and outside.
    const QImage image = twoX.toImage();
    int partial = 0;
    for (int x = 0; x < image.width(); ++x) {
        const int alpha = image.pixelColor(x, image.height() / 2).alpha();
        if (alpha > 0 && alpha < 255)
            ++partial;
    }
    QVERIFY(partial > 0);
}

QTEST_MAIN(tst_StatusStyle)
#include "tst_statusstyle.moc"
