// SPDX-License-Identifier: MIT
//
// Text written by agents is shown as text (issue 16, security review): a run whose task title,
// description, goal and plan.md hold HTML, links and images, opened in the dashboard. Nothing
// of it may render as markup, become a live link to a local file, or load a resource.

#include "messagebar.h"
#include "plaintext.h"
#include "rowmodel.h"
#include "runview.h"
#include "servicehost.h"
#include "taskmodel.h"
#include "tempbundle.h"
#include "uitestutil.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextFragment>
#include <QTreeView>

using namespace runboard;
using namespace runboard::test;

namespace {

const char kHostileTitle[]
    = "<b>BOLD</b> <font color=red>RED</font> <a href=\"file:///etc/passwd\">link</a>";
const char kHostileDescription[] = "<h1>Big</h1><img src=\"file:///etc/hostname\"> and more";
const char kHostilePlan[]
    = "# Plan\n\n<a href=\"file:///etc/passwd\">raw html link</a>\n\n"
      "[a local file](file:///etc/passwd) and [a page](https://example.org)\n\n"
      "![an image](file:///etc/hostname)\n";

// Anchors, images and formats the document holds.
struct Markup
{
    int anchors = 0;
    int images = 0;
    QStringList anchorTargets;
};

Markup markupOf(const QTextDocument *document)
{
    Markup found;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();
            if (format.isAnchor()) {
                ++found.anchors;
                found.anchorTargets << format.anchorHref();
            }
            if (format.isImageFormat())
                ++found.images;
        }
    }
    return found;
}

} // namespace

class tst_UntrustedText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aTaskIsShownAsTheTextItIs();
    void tooltipsShowTagsLiterally();
    void planLinksOpenOnlyWebPagesAndLoadNothing();
    void plainToolTipLeavesPlainTextAlone();
};

void tst_UntrustedText::aTaskIsShownAsTheTextItIs()
{
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId());
    Json task = taskJson("T-1", "pending", kHostileTitle);
    task["description"] = kHostileDescription;
    manifest["tasks"].push_back(task);
    manifest["title"] = kHostileTitle;
    bundle.writeManifest(manifest);
    ServiceHost host;
    RunView view;
    view.setRun(host.open(ManifestStore::locate(bundle.bundlePath()).value()));
    QTRY_VERIFY(!view.snapshot().isNull());

    view.selectTask(QStringLiteral("T-1"));
    const QTextDocument *details = view.taskDetails()->document();
    QTRY_VERIFY(details->toPlainText().contains(QLatin1String(kHostileTitle)));
    QVERIFY(details->toPlainText().contains(QLatin1String(kHostileDescription)));
    const Markup markup = markupOf(details);
    QCOMPARE(markup.anchors, 0);
    QCOMPARE(markup.images, 0);
    // The header's title is a plain-text label.
    const QList<QLabel *> labels = view.findChildren<QLabel *>();
    bool titleShown = false;
    for (const QLabel *label : labels) {
        if (label->text() == QLatin1String(kHostileTitle)) {
            titleShown = true;
            QCOMPARE(label->textFormat(), Qt::PlainText);
        }
    }
    QVERIFY(titleShown);
}

void tst_UntrustedText::tooltipsShowTagsLiterally()
{
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId());
    manifest["tasks"].push_back(taskJson("T-1", "pending", kHostileTitle));
    manifest["goalSummary"] = kHostileDescription;
    bundle.writeManifest(manifest);
    ServiceHost host;
    RunView view;
    view.setRun(host.open(ManifestStore::locate(bundle.bundlePath()).value()));
    QTRY_VERIFY(!view.snapshot().isNull());

    // Every tooltip in the task table: literal text, or escaped when it looks like markup.
    TaskModel *model = view.taskModel();
    for (int column = 0; column < model->columnCount(); ++column) {
        const QString tip = model->index(0, column).data(Qt::ToolTipRole).toString();
        if (Qt::mightBeRichText(tip))
            QVERIFY2(!tip.contains(QStringLiteral("<b>")) && !tip.contains(QStringLiteral("<a ")),
                     qPrintable(tip));
    }
    // The title's tooltip (the goal) too.
    for (const QLabel *label : view.findChildren<QLabel *>()) {
        if (label->toolTip().contains(QStringLiteral("Big")))
            QVERIFY2(label->toolTip().contains(QStringLiteral("&lt;h1&gt;")),
                     qPrintable(label->toolTip()));
    }
}

void tst_UntrustedText::planLinksOpenOnlyWebPagesAndLoadNothing()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    bundle.writeFile(QStringLiteral("plan.md"), kHostilePlan);
    ServiceHost host;
    RunView view;
    view.setRun(host.open(ManifestStore::locate(bundle.bundlePath()).value()));
    QTRY_VERIFY(view.planBrowser()->toPlainText().contains(QStringLiteral("Plan")));

    QTextBrowser *plan = view.planBrowser();
    QVERIFY(!plan->openExternalLinks());
    QVERIFY(!plan->openLinks());
    // Raw HTML is text; Markdown links stay links, and nothing is loaded for the image.
    QVERIFY(plan->toPlainText().contains(QStringLiteral("<a href=\"file:///etc/passwd\">")));
    const Markup markup = markupOf(plan->document());
    QVERIFY(markup.anchorTargets.contains(QStringLiteral("file:///etc/passwd")));
    QVERIFY(!plan->loadResource(QTextDocument::ImageResource,
                                QUrl(QStringLiteral("file:///etc/hostname")))
                 .isValid());

    // A click on the local file's link opens nothing: a notice says what it is.
    Q_EMIT plan->anchorClicked(QUrl(QStringLiteral("file:///etc/passwd")));
    QVERIFY(!view.noticeBar()->isHidden());
    QVERIFY(view.noticeBar()->text().contains(QStringLiteral("file:///etc/passwd")));
    QVERIFY(view.noticeBar()->text().contains(QStringLiteral("not a web page")));
    Q_EMIT plan->anchorClicked(QUrl(QStringLiteral("ssh-askpass://steal")));
    QVERIFY(view.noticeBar()->text().contains(QStringLiteral("ssh-askpass://steal")));
}

void tst_UntrustedText::plainToolTipLeavesPlainTextAlone()
{
    QCOMPARE(plainToolTip(QStringLiteral("T-3: status → done")),
             QStringLiteral("T-3: status → done"));
    const QString escaped = plainToolTip(QStringLiteral("<b>x</b> & y"));
    QVERIFY(escaped.contains(QStringLiteral("&lt;b&gt;x&lt;/b&gt; &amp; y")));
    QVERIFY(Qt::mightBeRichText(escaped));
}

QTEST_MAIN(tst_UntrustedText)
#include "tst_untrustedtext.moc"
