import QtQuick
import "."

// A white line icon on a coloured disc.
Rectangle {
    property string icon
    property real iconScale: 0.56
    width: 160; height: width; radius: width / 2
    color: Theme.blue
    Image {
        anchors.centerIn: parent
        source: "icons/" + parent.icon
        sourceSize: Qt.size(parent.width * parent.iconScale, parent.width * parent.iconScale)
    }
}
