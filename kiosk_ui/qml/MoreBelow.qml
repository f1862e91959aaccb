import QtQuick
import "."

// "More below ↓": a bar at the foot of a page that scrolls (large text) while its end is out
// of sight, so nobody misses the button under the fold; a tap scrolls most of a screen. The
// page adds `height` to its content when it overflows, so its last button can come up above
// the bar. Declared inside the Flickable with `parent: thatFlickable`, so it stays put.
Rectangle {
    id: root
    property Flickable flick: null
    property string words: qsTr("More below ↓")
    objectName: "moreBelow"
    visible: flick !== null && flick.contentHeight - flick.contentY - flick.height > 8
    anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
    height: label.implicitHeight + 28
    z: 50
    color: Theme.page
    Rectangle {
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: Theme.lineWidth
        color: Theme.highContrast ? Theme.ink : Theme.line
    }
    Text {
        id: label
        anchors.centerIn: parent
        text: root.words
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
    }
    MouseArea {
        anchors.fill: parent
        onClicked: root.flick.contentY = Math.min(root.flick.contentHeight - root.flick.height,
                                                  root.flick.contentY + root.flick.height * 0.7)
    }
}
