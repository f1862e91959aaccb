import QtQuick
import "."

// Bottom bar: a way back and, always, a way to a person. When both do not fit side by side
// (large text), they stack, full width: nothing is covered or cut.
Rectangle {
    id: root
    // Its controls keep their size in large text (they are already large), so the page
    // keeps its room; they stack only if a translation makes them too wide for one row.
    // The flow's page on screen (Main sets it): a page may hide Back (`showBack: false` on
    // waiting and finished steps) and take it one step back itself (`goBack()` → true).
    property var flowPage: null
    readonly property int pad: 40
    readonly property bool stacked: home.visible
        && home.implicitWidth + teller.implicitWidth + Theme.gap > width - 2 * Theme.margin
    height: stacked ? home.height + teller.height + Theme.gap + 2 * pad
                    : Math.max(230, teller.height + 2 * pad)
    color: Theme.card
    Rectangle { anchors { left: parent.left; right: parent.right; top: parent.top } height: Theme.lineWidth; color: Theme.highContrast ? Theme.ink : Theme.line }

    KioskButton {
        id: home
        objectName: "startOverButton"
        visible: shell.screen === "menu" || shell.screen === "language"
                 || (shell.screen === "flow" && !(root.flowPage && root.flowPage.showBack === false))
        x: Theme.margin
        y: root.stacked ? root.pad + teller.height + Theme.gap : (root.height - height) / 2
        width: root.stacked ? root.width - 2 * Theme.margin : implicitWidth
        sizeScale: 1
        outline: true
        colour: Theme.navy
        icon: shell.screen === "flow" ? "back.svg" : "home.svg"
        text: shell.screen === "flow" ? qsTr("Back") : qsTr("Start over")
        onClicked: {
            if (shell.screen !== "flow")
                shell.endSession()
            else if (!(root.flowPage && typeof root.flowPage.goBack === "function"
                       && root.flowPage.goBack()))
                shell.backToMenu()
        }
    }

    TellerButton {
        id: teller
        sizeScale: 1
        x: root.width - Theme.margin - width
        y: root.stacked ? root.pad : (root.height - height) / 2
        width: root.stacked ? root.width - 2 * Theme.margin : implicitWidth
    }
}
