import QtQuick
import ".."

// One call screen as a white card over the dimmed kiosk: an icon (pulsing while we wait
// for someone), a title, plain words, then the screen's own content (buttons…).
Item {
    id: root
    property string icon: "teller.svg"
    property color iconColour: Theme.amber
    property bool busy: false
    property bool showIcon: true
    property string title
    property string body
    default property alias content: extra.data

    // Centred when it fits; in large text a tall card scrolls instead of being cut.
    Flickable {
        id: scroller
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(height, card.height + 2 * Theme.gap
                                + (card.height + 2 * Theme.gap > height ? cardMore.height : 0))
        boundsBehavior: Flickable.StopAtBounds
        clip: true
        MoreBelow { id: cardMore; parent: scroller; flick: scroller }
        Rectangle {
            id: card
            x: (scroller.width - width) / 2
            y: Math.max(Theme.gap, (scroller.height - height) / 2)
            width: Math.min(scroller.width - 2 * Theme.gap, 960)
            height: box.implicitHeight + 130
            radius: Theme.radius + 8
            color: Theme.card
            Column {
                id: box
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 64 }
                spacing: 34
                Item {
                    visible: root.showIcon
                    anchors.horizontalCenter: parent.horizontalCenter
                    width: Math.round(230 / Theme.textScale); height: width
                    Rectangle {
                        anchors.centerIn: parent
                        visible: root.busy
                        width: parent.width - 8; height: width; radius: width / 2
                        color: "transparent"
                        border { width: 8; color: root.iconColour }
                        opacity: 0.5
                        SequentialAnimation on scale {
                            running: root.busy
                            loops: Animation.Infinite
                            NumberAnimation { from: 0.75; to: 1.0; duration: 900; easing.type: Easing.OutQuad }
                            PauseAnimation { duration: 300 }
                        }
                    }
                    IconDisc { anchors.centerIn: parent; icon: root.icon; width: Math.round(160 / Theme.textScale); color: root.iconColour }
                }
                Text {
                    objectName: "callTitle"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: root.title
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.title - 4; weight: Font.Bold }
                    wrapMode: Text.Wrap
                }
                Text {
                    visible: root.body !== ""
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: root.body
                    color: Theme.inkSoft
                    font { family: Theme.font; pixelSize: Theme.body }
                    wrapMode: Text.Wrap
                    lineHeight: 1.1
                }
                Column {
                    id: extra
                    width: parent.width
                    spacing: 30
                }
            }
        }
    }
}
