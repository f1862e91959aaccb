import QtQuick
import "."

// The two display-mode switches, on the attract screen and in every screen's header.
// Kept for this customer's session only: the attract screen turns both off again.
// ``startsSession``: on the attract screen a switch also begins the session (the mode
// must not stay on for the next customer if this one walks away).
Flow {
    id: root
    property bool startsSession: false
    //: Labels: in the customer's language by default; the attract screen passes both.
    property string largeLabel: qsTranslate("Shell", "Larger text")
    property string contrastLabel: qsTranslate("Shell", "High contrast")
    //: Theme.textScale, or 1 in the header (fixed, so the page keeps its room).
    property real sizeScale: Theme.textScale
    property int fontSize: Math.round(32 * sizeScale)
    //: Both switches as wide as the Flow (stacked, the attract screen) or as their words.
    property bool fill: false
    readonly property real widest: Math.max(large.implicitWidth, contrast.implicitWidth)
    spacing: Math.round(20 * sizeScale)

    DisplaySwitch {
        id: large
        objectName: "largeTextSwitch"
        width: root.fill ? root.width : implicitWidth
        padding: Math.round(26 * root.sizeScale)
        sizeScale: root.sizeScale
        text: root.largeLabel
        icon: "text-size.svg"
        fontSize: root.fontSize
        implicitHeight: Math.round(120 * root.sizeScale)
        colour: Theme.blue
        checked: shell.largeText
        onToggled: function (on) {
            shell.setLargeText(on)
            if (root.startsSession) shell.startSession()
        }
    }
    DisplaySwitch {
        id: contrast
        objectName: "highContrastSwitch"
        width: root.fill ? root.width : implicitWidth
        padding: Math.round(26 * root.sizeScale)
        sizeScale: root.sizeScale
        text: root.contrastLabel
        icon: "contrast.svg"
        fontSize: root.fontSize
        implicitHeight: Math.round(120 * root.sizeScale)
        colour: Theme.blue
        checked: shell.highContrast
        onToggled: function (on) {
            shell.setHighContrast(on)
            if (root.startsSession) shell.startSession()
        }
    }
}
