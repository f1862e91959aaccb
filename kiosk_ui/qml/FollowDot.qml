import QtQuick
import "."

// The "follow the dot" target drawn over the camera preview: large and high-contrast
// (a yellow disc in black and white rings reads over any picture, also for weak eyes).
// dotX, dotY: its centre, 0..1 of the parent (y down), as the liveness check reports it
// ~15 times a second; the short glide between reports keeps it from jumping.
Item {
    id: dot
    property real dotX: 0.5
    property real dotY: 0.5
    property bool shown: false
    readonly property real size: Math.max(96, Math.min(parent ? parent.width : 0,
                                                       parent ? parent.height : 0) * 0.16)
    objectName: "followDot"
    visible: shown
    width: size; height: size
    x: dotX * (parent ? parent.width : 0) - width / 2
    y: dotY * (parent ? parent.height : 0) - height / 2
    Behavior on x { enabled: dot.visible; NumberAnimation { duration: 90 } }
    Behavior on y { enabled: dot.visible; NumberAnimation { duration: 90 } }
    Rectangle {  // outer white ring: stands out on dark hair and backgrounds
        anchors.fill: parent
        radius: width / 2
        color: "#FFFFFF"
    }
    Rectangle {  // black ring: stands out on a light wall or skin
        anchors.centerIn: parent
        width: parent.width * 0.86; height: width; radius: width / 2
        color: "#000000"
    }
    Rectangle {
        anchors.centerIn: parent
        width: parent.width * 0.70; height: width; radius: width / 2
        color: "#FFD400"
    }
    Rectangle {  // the centre point the eyes settle on
        anchors.centerIn: parent
        width: parent.width * 0.18; height: width; radius: width / 2
        color: "#000000"
    }
}
